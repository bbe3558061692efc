using System.CommandLine;
using InferenceApi.LoadGen.Reporting;

namespace InferenceApi.LoadGen.Cli;

/// <summary>`compare`: exit 1 when p99 rose or throughput fell past the allowed percentages; each line says why.</summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var baseline = new Option<string>("--baseline") { Description = "Baseline results.json", Required = true };
        var current = new Option<string>("--current") { Description = "Current results.json", Required = true };
        var maxP99 = new Option<double>("--max-p99-regression") { Description = "Allowed p99 latency rise, percent", DefaultValueFactory = _ => 10 };
        var maxTput = new Option<double>("--max-throughput-regression") { Description = "Allowed throughput drop, percent", DefaultValueFactory = _ => 10 };
        var command = new Command("compare", "Compare two results files; non-zero exit on regression") { baseline, current, maxP99, maxTput };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var a = await ResultJson.ReadAsync(parse.GetValue(baseline)!, ct).ConfigureAwait(false);
                var b = await ResultJson.ReadAsync(parse.GetValue(current)!, ct).ConfigureAwait(false);
                var verdict = ResultComparison.Compare(a, b, parse.GetValue(maxP99), parse.GetValue(maxTput));
                foreach (var line in verdict.Lines)
                {
                    Console.Out.WriteLine(line);
                }

                Console.Out.WriteLine(verdict.Passed ? "PASS" : "REGRESSION");
                return verdict.Passed ? 0 : 1;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return 2;
            }
        });
        return command;
    }
}
