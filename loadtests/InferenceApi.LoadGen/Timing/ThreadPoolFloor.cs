namespace InferenceApi.LoadGen.Timing;

/// <summary>
/// Requests start on thread-pool threads. With the default floor (one thread per core) a few threads briefly
/// blocked in first-use HTTP and connection set-up stall every queued send for hundreds of milliseconds while the
/// pool injects threads one by one; that shows up as sender lag, i.e. the tool measuring itself. Start wider.
/// </summary>
internal static class ThreadPoolFloor
{
    private const int Threads = 64;

    public static void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < Threads || io < Threads)
        {
            ThreadPool.SetMinThreads(Math.Max(workers, Threads), Math.Max(io, Threads));
        }
    }
}
