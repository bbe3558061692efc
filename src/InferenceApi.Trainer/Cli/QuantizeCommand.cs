using System.CommandLine;
using System.Globalization;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Tasks;

namespace InferenceApi.Trainer.Cli;

/// <summary>
/// <c>quantize --model DIR --out DIR [--data FILE]</c>: an int8 copy of a served classifier's folder (ours or an optimum
/// export), checked against its float32 graph, with both accuracies on the data (<see cref="ModelFolderQuantizer"/>).
/// </summary>
public static class QuantizeCommand
{
    public static Command Create(IReadOnlyList<ITrainerTask> tasks, TrainerOutput output)
    {
        var model = new Option<string>("--model") { Description = "Model folder to quantize (model.onnx with its tokenizer or preprocessor files), e.g. models/NAME/VERSION", Required = true };
        var target = new Option<string>("--out") { Description = "Model folder to create, e.g. models/NAME/NEXT; must not exist", Required = true };
        var data = new Option<string?>("--data") { Description = "Labelled data (a text file, or a folder of class sub-folders of images) to score both graphs on" };
        var tolerance = new Option<double>("--parity-tolerance")
        {
            Description = "Largest int8 vs float32 logit difference, relative to the largest float32 logit magnitude (at least 1)",
            DefaultValueFactory = _ => ExportSettings.Int8Tolerance,
        };
        var metrics = SharedOptions.Metrics();
        var command = new Command("quantize", "Write an int8 copy of a classifier's model folder (dynamic quantization of its MatMul/Gemm weights)")
        {
            model, target, data, tolerance, metrics,
        };
        foreach (var option in DataOptions.Distinct(tasks))
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            var source = parse.GetValue(model)!;
            var columns = new TextColumns(parse.GetValue<string?>("--text-column") ?? TextColumns.DefaultText, parse.GetValue<string?>("--label-column") ?? TextColumns.DefaultLabel);
            var result = ModelFolderQuantizer.Publish(source, parse.GetValue(target)!, parse.GetValue(data), SharedOptions.CheckTolerance(parse, tolerance),
                path => LabelledTextReader.Read(path, TextDataFormats.Resolve(path, parse.GetValue<string?>("--format")), columns));
            output.Info(Line(result));
            MetricsFile.Write(parse.GetValue(metrics), Training.MetricsJson.Quantized(source, result));
            return 0;
        });
        return command;
    }

    private static string Line(QuantizedFolder r)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"quantized {r.Folder}: {r.Float32Bytes / 1e6:F1} MB → {r.Int8Bytes / 1e6:F1} MB; parity int8 vs float32 max abs diff {r.MaxAbsDiff:E2} (tolerance {r.Tolerance:E1})");
        return r.Float32 is { } before && r.Int8 is { } after
            ? line + Environment.NewLine + string.Create(CultureInfo.InvariantCulture,
                $"accuracy float32 {before["accuracy"]:F4}, int8 {after["accuracy"]:F4} ({100 * (after["accuracy"] - before["accuracy"]):+0.00;-0.00;0.00} points) on {before.Examples} examples")
            : line;
    }
}
