namespace InferenceApi.Tests.Endpoints;

/// <summary>The classifier server with the result cache off, so repeated texts really run.</summary>
public sealed class UncachedClassifierServer : ClassifierServer
{
    public UncachedClassifierServer()
    {
        Factory.With("Cache:Enabled", "false");
    }
}
