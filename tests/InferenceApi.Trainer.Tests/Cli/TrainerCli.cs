using InferenceApi.Trainer.Cli;
using InferenceApi.Trainer.Tasks;

namespace InferenceApi.Trainer.Tests.Cli;

/// <summary>Runs <see cref="TrainerApp"/> in-process with captured output (so progress is plain lines).</summary>
internal static class TrainerCli
{
    public static CliResult Run(params string[] args) => Run(interactive: false, args);

    /// <param name="interactive">Draw the live progress bar into the captured output, as on a terminal.</param>
    public static CliResult Run(bool interactive, params string[] args)
    {
        // One TorchSharp thread: tests run side by side, and the machine may be training something else.
        string[] full = args is ["train", _, ..] or ["eval", ..] or ["export", ..] ? [.. args, "--threads", "1"] : args;
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = TrainerApp.Run(full, new TrainerOutput(output, error, interactive), TrainerTasks.All);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs and asserts success, showing both streams when it fails.</summary>
    public static CliResult Succeeds(params string[] args)
    {
        var result = Run(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>Runs and asserts a non-zero exit with exactly one "error: …" line on stderr containing <paramref name="expected"/>.</summary>
    public static CliResult FailsWith(string expected, params string[] args)
    {
        var result = Run(args);
        Assert.True(result.ExitCode != 0, result.ToString());
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        return result;
    }
}
