namespace InferenceApi.Tests.Endpoints;

/// <summary>The classifier server with the result cache off, so repeated texts really run.</summary>
public sealed class UncachedClassifierServer : ClassifierServer
{
    public UncachedClassifierServer()
    {
        // With the default queue delay of 0, a request that finds the instance free runs at once on its own thread, and
        // the tiny fixture finishes before the next request of a burst arrives, so a burst may never share a batch. A
        // short wait for company makes requests fired together share batches however fast the machine is.
        Factory.With("Cache:Enabled", "false").With("Models:Defaults:MaxQueueDelayMs", "50");
    }
}
