using System.CommandLine;
using InferenceApi.Trainer.Tasks;
using InferenceApi.Trainer.Training;
using TorchSharp;

namespace InferenceApi.Trainer.Cli;

/// <summary><c>eval --checkpoint DIR --data FILE</c>: the checkpoint's task reads the file the way it was trained and reports its metrics.</summary>
public static class EvalCommand
{
    public static Command Create(IReadOnlyList<ITrainerTask> tasks, TrainerOutput output)
    {
        var checkpoint = SharedOptions.Checkpoints();
        var data = new Option<string>("--data") { Description = "Labelled data file or folder to evaluate on", Required = true };
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per forward pass", DefaultValueFactory = _ => ClassificationEvaluation.DefaultBatchSize };
        var metrics = SharedOptions.Metrics();
        var threads = SharedOptions.Threads();
        var quantize = ExportCommand.QuantizeOption();
        quantize.Description = "int8: also evaluate the int8 graph export --quantize int8 writes (classifiers), under ONNX Runtime, and report the accuracy change (default none)";
        var command = new Command("eval", "Evaluate a checkpoint on a data file") { checkpoint, data, batchSize, metrics, threads, quantize };
        foreach (var option in DataOptions.Distinct(tasks))
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            torch.set_num_threads(OptionValues.Positive(parse, threads));
            var opened = SharedOptions.OpenCheckpoints(parse, checkpoint);
            var report = TrainerTasks.Find(opened[0].Task).Evaluate(opened, parse, parse.GetValue(data)!, OptionValues.Positive(parse, batchSize),
                ExportCommand.IsInt8(parse, quantize));
            output.Info(ReportLines.Evaluated(report));
            MetricsFile.Write(parse.GetValue(metrics), MetricsJson.Evaluation(report));
            return 0;
        });
        return command;
    }
}
