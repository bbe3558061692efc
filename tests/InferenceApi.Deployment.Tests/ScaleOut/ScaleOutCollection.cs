namespace InferenceApi.Deployment.Tests.ScaleOut;

/// <summary>The scale-out run loads both cores with five processes: it runs alone, after the other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScaleOutCollection : ICollectionFixture<ScaleOutRun>
{
    public const string Name = "scale-out";
}
