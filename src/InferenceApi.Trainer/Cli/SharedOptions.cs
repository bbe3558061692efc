using System.CommandLine;
using System.Globalization;
using InferenceApi.Trainer.Checkpoints;
using InferenceApi.Trainer.Export;

namespace InferenceApi.Trainer.Cli;

/// <summary>Options more than one command takes; each command gets its own instance (an option has one parent).</summary>
public static class SharedOptions
{
    public static Option<double> Tolerance() => new("--parity-tolerance")
    {
        Description = "Largest ONNX Runtime vs TorchSharp max abs diff an export may show",
        DefaultValueFactory = _ => VitOnnxExporter.DefaultTolerance,
    };

    public static Option<string?> Metrics() => new("--metrics") { Description = "Write the run's figures to this JSON file" };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "TorchSharp CPU threads (lower it on a machine others share)",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    /// <summary><c>--checkpoint</c>, once, or repeated to combine several checkpoints of one task into an ensemble.</summary>
    public static Option<string[]> Checkpoints() => new("--checkpoint")
    {
        Description = "Checkpoint folder written by train --out; repeat it to average several text classifiers as one ensemble",
        Required = true,
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>Opens every <c>--checkpoint</c>; an ensemble's members must be one task.</summary>
    public static IReadOnlyList<Checkpoint> OpenCheckpoints(ParseResult parse, Option<string[]> option)
    {
        var opened = parse.GetValue(option)!.Select(Checkpoint.Open).ToArray();
        if (opened.FirstOrDefault(c => c.Task != opened[0].Task) is { } other)
        {
            throw new UsageException($"ensemble members must be one task: {opened[0].Directory} is {opened[0].Task}, {other.Directory} is {other.Task}");
        }

        return opened;
    }

    public static double CheckTolerance(ParseResult parse, Option<double> option) =>
        parse.GetValue(option) is var value && value > 0 ? value
        : throw new UsageException($"{option.Name} must be above 0; got {value.ToString(CultureInfo.InvariantCulture)}");
}
