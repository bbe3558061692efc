namespace InferenceApi.Deployment.Tests.Drills;

/// <summary>The drills load both cores with a server, Redis and the load generator: they run alone, after the other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DrillsCollection
{
    public const string Name = "drills";
}
