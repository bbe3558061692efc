using System.CommandLine;
using InferenceApi.LoadGen.Cli;

// Open loop fires requests from thread-pool threads; start with enough of them that bursts do not wait for injection.
ThreadPool.GetMinThreads(out var workers, out var io);
ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));

var root = new RootCommand("InferenceApi load generator: open/closed loop, step and ramp profiles, reports, compare")
{
    RunCommand.Create(),
    CompareCommand.Create(),
    CeilingCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
