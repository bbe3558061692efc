using System.CommandLine;
using System.Globalization;
using InferenceApi.Trainer.Training;

namespace InferenceApi.Trainer.Tasks;

/// <summary><c>--lr-schedule</c> and <c>--lr-floor</c>: how a task's learning rate moves over the planned steps.</summary>
public sealed class LearningRateScheduleOptions
{
    private readonly Option<string> schedule = ScheduleOption();

    private readonly Option<double> floor = new("--lr-floor")
    {
        Description = "With --lr-schedule cosine: the rate at the last planned step, as a fraction of --lr in [0, 1] (default 0.05)",
        DefaultValueFactory = _ => 0.05,
    };

    public IReadOnlyList<Option> All => [schedule, floor];

    /// <summary>The schedule for <paramref name="plannedSteps"/> steps from <paramref name="learningRate"/>; a bad floor names its option.</summary>
    public LearningRateSchedule Read(ParseResult parse, double learningRate, int plannedSteps)
    {
        var value = parse.GetValue(floor);
        if (value is < 0 or > 1 || double.IsNaN(value))
        {
            throw new UsageException($"{floor.Name} must be a fraction in [0, 1]; got {value.ToString(CultureInfo.InvariantCulture)}");
        }

        return parse.GetValue(schedule) == "cosine"
            ? new LearningRateSchedule(learningRate, plannedSteps, value)
            : LearningRateSchedule.Constant(learningRate);
    }

    private static Option<string> ScheduleOption()
    {
        var option = new Option<string>("--lr-schedule")
        {
            Description = "constant, or cosine: from --lr down to --lr-floor of it at the last planned step, so the last epochs barely move the weights (default constant)",
            DefaultValueFactory = _ => "constant",
        };
        option.AcceptOnlyFromAmong("constant", "cosine");
        return option;
    }
}
