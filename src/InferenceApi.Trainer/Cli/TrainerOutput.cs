using InferenceApi.Trainer.Training;
using Spectre.Console;

namespace InferenceApi.Trainer.Cli;

/// <summary>
/// The CLI's two writers, and which progress display suits them: a live bar only when writing to a real terminal
/// outside CI; plain lines when output is redirected, <c>CI</c> is set, or a test captures it.
/// </summary>
public sealed class TrainerOutput(TextWriter output, TextWriter error, bool interactive) : ITrainingConsole
{
    /// <summary>How often plain progress prints a step line between epoch lines.</summary>
    public static readonly TimeSpan PlainStepInterval = TimeSpan.FromSeconds(10);

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public bool Interactive { get; } = interactive;

    /// <summary>Interactive when <paramref name="output"/> is the process's own stdout on a terminal and CI is not set.</summary>
    public static TrainerOutput For(TextWriter output, TextWriter error) =>
        new(output, error, ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")));

    public void Info(string line) => Out.WriteLine(line);

    public T WithProgress<T>(Func<ITrainingProgress, T> run)
    {
        if (!Interactive)
        {
            return run(new PlainProgress(Out, PlainStepInterval));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Out), Interactive = InteractionSupport.Yes });
        return SpectreProgress.Run(console, run);
    }
}
