using System.CommandLine;
using InferenceApi.Trainer.Checkpoints;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Tasks;
using InferenceApi.Trainer.Training;
using TorchSharp;

namespace InferenceApi.Trainer.Cli;

/// <summary>
/// <c>export --checkpoint DIR --out models/NAME/VERSION</c>: the ONNX model folder, checked for parity against
/// TorchSharp first and published by rename. Parity inputs come from <c>--data</c> when given, else seeded synthetic ones.
/// </summary>
public static class ExportCommand
{
    public static Command Create(IReadOnlyList<ITrainerTask> tasks, TrainerOutput output)
    {
        var checkpoint = SharedOptions.Checkpoints();
        var target = new Option<string>("--out") { Description = "Model folder to create, e.g. models/NAME/VERSION; must not exist", Required = true };
        var data = new Option<string?>("--data") { Description = "Data whose examples feed the parity check (default: seeded synthetic inputs)" };
        var tolerance = SharedOptions.Tolerance();
        var metrics = SharedOptions.Metrics();
        var threads = SharedOptions.Threads();
        var embeddings = new Option<bool>(ITrainerTask.EmbeddingsOption)
        {
            Description = "Text classifiers: export the encoder without its head (last_hidden_state), served by /v1/embed and /v1/embeddings",
        };
        var quantize = QuantizeOption();
        var half = new Option<bool>(ITrainerTask.Float16Option)
        {
            Description = $"Llama-style text generators: float16 weights, key/value cache and logits, checked against the model with its weights rounded to float16 (--parity-tolerance then defaults to {LlamaOnnxExporter.Float16Tolerance})",
        };
        var command = new Command("export", "Export a checkpoint as an ONNX model folder the server loads") { checkpoint, target, data, tolerance, metrics, threads, embeddings, quantize, half };
        foreach (var option in DataOptions.Distinct(tasks))
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            torch.set_num_threads(OptionValues.Positive(parse, threads));
            var folder = ModelFolderPublisher.Target(parse.GetValue(target)!);
            var opened = SharedOptions.OpenCheckpoints(parse, checkpoint);
            var task = TrainerTasks.Find(opened[0].Task);
            var int8 = IsInt8(parse, quantize);
            // An int8 graph is compared with the float32 model, so it gets int8's tolerance unless one was given.
            var given = parse.GetResult(tolerance) is { Implicit: false };
            var limit = int8 && !given ? ExportSettings.Int8Tolerance
                : parse.GetValue(half) && !given ? LlamaOnnxExporter.Float16Tolerance
                : SharedOptions.CheckTolerance(parse, tolerance);
            var report = task.Export(opened, parse, folder, parse.GetValue(data), new ExportSettings(limit, int8)) with { Int8 = int8 };
            output.Info(ReportLines.Exported(report));
            MetricsFile.Write(parse.GetValue(metrics), MetricsJson.Exported(task.Name, Checkpoint.Names(opened), report));
            return 0;
        });
        return command;
    }

    /// <summary><c>--quantize none|int8</c>, shared with <c>eval</c>.</summary>
    public static Option<string> QuantizeOption() => new("--quantize")
    {
        Description = "int8: dynamic int8 quantization of the MatMul/Gemm weights (per output column), activations quantized per batch at run time; "
            + $"parity against float32 TorchSharp uses tolerance {ExportSettings.Int8Tolerance} unless --parity-tolerance is given (default none)",
        DefaultValueFactory = _ => "none",
    };

    public static bool IsInt8(ParseResult parse, Option<string> option) => parse.GetValue(option) switch
    {
        "none" => false,
        "int8" => true,
        var other => throw new UsageException($"{option.Name} must be none or int8; got '{other}'"),
    };
}
