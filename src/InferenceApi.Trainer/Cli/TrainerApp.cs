using System.CommandLine;
using System.Text.Json;
using InferenceApi.Core.Models;
using InferenceApi.Core.Tokenization;
using InferenceApi.Trainer.Tasks;

namespace InferenceApi.Trainer.Cli;

/// <summary>
/// The CLI entry, callable in-process: <c>train TASK</c>, <c>eval</c>, <c>export</c>, <c>quantize</c>, <c>render-digits</c>. Exit codes: 0 done, 1 the
/// data, a file or a check refused (one <c>error:</c> line on stderr), 2 bad arguments (likewise).
/// </summary>
public static class TrainerApp
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadArguments = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        Run(args, TrainerOutput.For(output, error), TrainerTasks.All);

    public static int Run(string[] args, TrainerOutput output, IReadOnlyList<ITrainerTask> tasks)
    {
        var root = new RootCommand("InferenceApi trainer: train, evaluate and export the models the server runs (TorchSharp, CPU)")
        {
            TrainCommand.Create(tasks, output),
            EvalCommand.Create(tasks, output),
            ExportCommand.Create(tasks, output),
            QuantizeCommand.Create(tasks, output),
            RenderDigitsCommand.Create(output),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not { ClearsParseErrors: true })
        {
            // System.CommandLine would add the whole help text; one line per problem reads better in a log.
            foreach (var problem in parse.Errors)
            {
                output.Error.WriteLine($"error: {OneLine(problem.Message)}");
            }

            return BadArguments;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output.Out, Error = output.Error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            output.Error.WriteLine($"error: {e.Message}");
            return BadArguments;
        }
        catch (Exception e) when (IsUserError(e))
        {
            output.Error.WriteLine($"error: {e.Message}");
            return Failed;
        }
    }

    /// <summary>Some parse messages list choices on further lines; a log line keeps them together.</summary>
    private static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length <= 1 ? message.Trim() : $"{lines[0]} {string.Join(", ", lines[1..])}";
    }

    /// <summary>Failures the user can fix (missing or malformed files, refused exports); anything else is a bug and keeps its stack trace.</summary>
    private static bool IsUserError(Exception e) =>
        e is IOException or InvalidDataException or UnauthorizedAccessException or JsonException or TokenizerLoadException or ModelFolderException;
}
