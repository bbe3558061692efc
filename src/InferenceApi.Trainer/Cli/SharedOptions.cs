using System.CommandLine;
using System.Globalization;
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

    public static double CheckTolerance(ParseResult parse, Option<double> option) =>
        parse.GetValue(option) is var value && value > 0 ? value
        : throw new UsageException($"{option.Name} must be above 0; got {value.ToString(CultureInfo.InvariantCulture)}");
}
