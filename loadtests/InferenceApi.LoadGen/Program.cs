using System.CommandLine;
using InferenceApi.LoadGen.Cli;

var root = new RootCommand("InferenceApi load generator: open/closed loop, step and ramp profiles, reports, compare")
{
    RunCommand.Create(),
    CompareCommand.Create(),
    CeilingCommand.Create(),
};
// `run` handles SIGINT/SIGTERM itself so that a stopped run still writes its results.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
