namespace InferenceApi.Caching;

/// <summary>
/// For tasks a caller stopped waiting for (timeout, cancellation): their later failure is expected,
/// so it is observed here instead of surfacing as an unobserved task exception.
/// </summary>
internal static class AbandonedTasks
{
    public static void Observe(Task task)
    {
        if (task.IsCompleted)
        {
            _ = task.Exception;
            return;
        }

        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
