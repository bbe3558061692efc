using System.CommandLine;

namespace InferenceApi.Trainer.Tasks;

/// <summary>Range checks of option values that System.CommandLine parsed, each failing with the option's name.</summary>
public static class OptionValues
{
    /// <summary>The value when given (it must be at least 1), else null.</summary>
    public static int? Positive(ParseResult parse, Option<int?> option) =>
        parse.GetValue(option) is not { } value ? null
        : value > 0 ? value
        : throw new UsageException($"{option.Name} must be at least 1; got {value}");

    public static int Positive(ParseResult parse, Option<int> option) =>
        parse.GetValue(option) is var value && value > 0 ? value
        : throw new UsageException($"{option.Name} must be at least 1; got {value}");
}
