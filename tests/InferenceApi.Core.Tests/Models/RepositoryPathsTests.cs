using InferenceApi.Core.Models;

namespace InferenceApi.Core.Tests.Models;

public sealed class RepositoryPathsTests
{
    [Theory]
    [InlineData("Load model from /srv/models/broken/1/model.onnx failed: bad proto", "Load model from broken/1/model.onnx failed: bad proto")]
    [InlineData("model.onnx is missing from /srv/models/broken/1", "model.onnx is missing from broken/1")]
    [InlineData("Could not find file '/srv/models/a/1/config.json'; see /srv/models/b/2/x", "Could not find file 'a/1/config.json'; see b/2/x")]
    [InlineData("nothing in /srv/models", "nothing in .")]
    [InlineData("'/srv/models'", "'.'")]
    public void Relative_PathsUnderTheRoot_AreWrittenRelativeToIt(string text, string expected)
    {
        Assert.Equal(expected, RepositoryPaths.Relative(text, "/srv/models"));
        Assert.Equal(expected, RepositoryPaths.Relative(text, "/srv/models/"));
    }

    [Theory]
    [InlineData("/srv/models2/a/model.onnx")]
    [InlineData("/srv/models.old/a/model.onnx")]
    [InlineData("/etc/passwd")]
    [InlineData("labels do not match")]
    public void Relative_TextWithoutPathsUnderTheRoot_IsUnchanged(string text)
    {
        Assert.Equal(text, RepositoryPaths.Relative(text, "/srv/models"));
    }

    [Fact]
    public void Relative_RootIsTheFileSystemRoot_LeavesTheTextAlone()
    {
        Assert.Equal("Load model from /m/1/model.onnx failed", RepositoryPaths.Relative("Load model from /m/1/model.onnx failed", "/"));
    }
}
