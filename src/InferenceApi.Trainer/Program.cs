using InferenceApi.Trainer.Cli;

namespace InferenceApi.Trainer;

/// <summary>
/// The trainer's entry point. Named, not top-level statements: those would define a global <c>Program</c> that
/// clashes with the server's in tests that host both (the server's <c>WebApplicationFactory&lt;Program&gt;</c>).
/// </summary>
internal static class TrainerProgram
{
    private static int Main(string[] args) => TrainerApp.Run(args, Console.Out, Console.Error);
}
