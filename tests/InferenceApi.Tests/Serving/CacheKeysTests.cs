using InferenceApi.Core.Models;
using InferenceApi.Serving;

namespace InferenceApi.Tests.Serving;

public sealed class CacheKeysTests
{
    private static readonly byte[] Input = [1, 2, 3];

    [Fact]
    public void For_NamesTaskModelVersionAndFingerprint_ThenHashesTheInput()
    {
        var key = CacheKeys.For(Version("sentiment", 2, "abc"), ModelTask.TextClassification, Input);

        Assert.StartsWith("text-classification:sentiment:2:abc:", key);
        Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Input)), key.Split(':')[^1]);
    }

    [Fact]
    public void For_ReloadedCopyOfTheSameVersion_GetsOtherKeys()
    {
        var before = CacheKeys.For(Version("sentiment", 2, "abc"), ModelTask.TextClassification, Input);
        var after = CacheKeys.For(Version("sentiment", 2, "abd"), ModelTask.TextClassification, Input);

        Assert.NotEqual(before, after);
    }

    [Fact]
    public void For_SameInputOnAnotherTask_GetsAnotherKey()
    {
        var model = Version("bert", 1, "abc");

        Assert.NotEqual(CacheKeys.For(model, ModelTask.TextClassification, Input), CacheKeys.For(model, ModelTask.FeatureExtraction, Input));
    }

    private static ModelVersion Version(string name, long version, string fingerprint) =>
        new(new DiscoveredVersion(name, version, "/models/" + name, fingerprint), generation: 1);
}
