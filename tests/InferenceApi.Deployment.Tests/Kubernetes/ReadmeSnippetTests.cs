using System.Text.RegularExpressions;
using InferenceApi.Deployment.Tests.Infrastructure;
using InferenceApi.Deployment.Tests.Kubernetes.Yaml;
using YamlDotNet.RepresentationModel;

namespace InferenceApi.Deployment.Tests.Kubernetes;

public sealed class ReadmeSnippetTests
{
    [Fact]
    public void DeployReadme_YamlBlocks_LoadStrictly_PatchesOntoTheDeployment()
    {
        var readme = File.ReadAllText(Path.Combine(DeployPaths.Kubernetes, "..", "README.md"));
        var blocks = Regex.Matches(readme, @"^(?<indent> *)```yaml\n(?<body>.*?)^\k<indent>```", RegexOptions.Singleline | RegexOptions.Multiline)
            .Select(m => Regex.Replace(m.Groups["body"].Value, "^" + m.Groups["indent"].Value, string.Empty, RegexOptions.Multiline))
            .ToList();

        Assert.NotEmpty(blocks);
        foreach (var block in blocks)
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(block));
            foreach (var root in stream.Documents.Select(d => d.RootNode))
            {
                if (root is YamlSequenceNode patch)
                {
                    var deployment = Manifests.Files().Find("Deployment", "inference-api");
                    var patched = (YamlMappingNode)YamlTree.Clone(deployment.Node);
                    JsonPatch.Apply(patched, patch, "deploy/README.md");
                    ManifestLoadingTests.AssertValid(deployment with { Node = patched });
                }
                else
                {
                    ManifestLoadingTests.AssertValid(new Manifest("deploy/README.md", (YamlMappingNode)root));
                }
            }
        }
    }
}
