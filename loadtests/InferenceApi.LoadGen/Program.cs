using System.CommandLine;
using InferenceApi.LoadGen.Cli;

var root = new RootCommand("InferenceApi load generator: open/closed loop, step and ramp profiles, reports, compare")
{
    RunCommand.Create(),
    CompareCommand.Create(),
    CeilingCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
