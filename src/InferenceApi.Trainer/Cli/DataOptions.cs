using System.CommandLine;
using InferenceApi.Trainer.Tasks;

namespace InferenceApi.Trainer.Cli;

/// <summary>The tasks' data options for <c>eval</c> and <c>export</c>, one per name (tasks read them back by name).</summary>
public static class DataOptions
{
    /// <summary>
    /// Fresh options named like every task's <see cref="ITrainerTask.DataOptions"/>: an option belongs to one command,
    /// so these are copies; tasks read values with <c>parse.GetValue&lt;T&gt;(name)</c>.
    /// </summary>
    public static IEnumerable<Option> Distinct(IEnumerable<ITrainerTask> tasks) =>
        tasks.SelectMany(t => t.DataOptions).DistinctBy(o => o.Name).Select(Copy);

    private static Option Copy(Option option) => option switch
    {
        Option<string?> text => new Option<string?>(text.Name) { Description = text.Description },
        _ => throw new NotSupportedException($"data option {option.Name}: only string options are copied"),
    };
}
