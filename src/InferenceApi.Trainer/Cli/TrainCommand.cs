using System.CommandLine;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Tasks;
using InferenceApi.Trainer.Training;
using TorchSharp;

namespace InferenceApi.Trainer.Cli;

/// <summary><c>train TASK</c>: one sub-command per task, each with the common training options and the task's own.</summary>
public static class TrainCommand
{
    public static Command Create(IEnumerable<ITrainerTask> tasks, TrainerOutput output)
    {
        var train = new Command("train", "Train a model, write a checkpoint folder and optionally export it as ONNX");
        foreach (var task in tasks)
        {
            train.Subcommands.Add(CreateTask(task, output));
        }

        return train;
    }

    private static Command CreateTask(ITrainerTask task, TrainerOutput output)
    {
        var options = new TrainingOptions(task.Defaults);
        var command = new Command(task.Name, task.Description);
        foreach (var option in options.All.Concat(task.TrainOptions).Concat(task.DataOptions))
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            var settings = options.Bind(parse);
            torch.set_num_threads(OptionValues.Positive(parse, options.Threads));

            // Refuse occupied targets before training, not after an hour of it.
            RefuseExisting(settings.OutputPath);
            RefuseExisting(settings.ExportPath);

            var report = task.Train(parse, settings, output);
            output.Info(ReportLines.Final(report));
            if (report.Checkpoint is { } written)
            {
                output.Info($"checkpoint {written}");
            }

            if (report.Export is { } exported)
            {
                output.Info(ReportLines.Exported(exported));
            }

            MetricsFile.Write(parse.GetValue(options.Metrics), MetricsJson.Training(report));
            return 0;
        });
        return command;
    }

    private static void RefuseExisting(string? folder)
    {
        if (folder is not null)
        {
            ModelFolderPublisher.Target(folder);
        }
    }
}
