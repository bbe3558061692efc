using System.CommandLine;

namespace InferenceApi.Trainer.Tasks;

/// <summary>The sizes a user picks for a transformer, once checked: the heads divide the hidden size, dropout is in [0, 1).</summary>
public sealed record TransformerSizes(int HiddenSize, int Layers, int Heads, int IntermediateSize, double Dropout);

/// <summary>
/// <c>--hidden</c>, <c>--layers</c>, <c>--heads</c>, <c>--intermediate</c> and (where the model has it) <c>--dropout</c>,
/// the same options with the same checks for every task; each task gives its own defaults.
/// </summary>
public sealed class TransformerSizeOptions
{
    private readonly TransformerSizes defaults;
    private readonly Option<int?> hidden;
    private readonly Option<int?> layers;
    private readonly Option<int?> heads;
    private readonly Option<int?> intermediate;
    private readonly Option<double?>? dropout;

    /// <param name="layerKind">"Encoder" or "Decoder", for the help text.</param>
    /// <param name="dropoutHelp">What dropout applies to, or null when the model takes no dropout option.</param>
    public TransformerSizeOptions(TransformerSizes defaults, string layerKind, string? dropoutHelp)
    {
        this.defaults = defaults;
        hidden = new("--hidden") { Description = $"Hidden size (default {defaults.HiddenSize})" };
        layers = new("--layers") { Description = $"{layerKind} layers (default {defaults.Layers})" };
        heads = new("--heads") { Description = $"Attention heads; must divide the hidden size (default {defaults.Heads})" };
        intermediate = new("--intermediate") { Description = $"MLP size (default {defaults.IntermediateSize})" };
        dropout = dropoutHelp is null ? null : new("--dropout") { Description = $"{dropoutHelp} (default {defaults.Dropout})" };
    }

    public IReadOnlyList<Option> All => dropout is null ? [hidden, layers, heads, intermediate] : [hidden, layers, heads, intermediate, dropout];

    public TransformerSizes Read(ParseResult parse)
    {
        var rate = dropout is null ? defaults.Dropout : parse.GetValue(dropout) ?? defaults.Dropout;
        var sizes = new TransformerSizes(
            OptionValues.Positive(parse, hidden) ?? defaults.HiddenSize,
            OptionValues.Positive(parse, layers) ?? defaults.Layers,
            OptionValues.Positive(parse, heads) ?? defaults.Heads,
            OptionValues.Positive(parse, intermediate) ?? defaults.IntermediateSize,
            rate is < 0 or >= 1 ? throw new UsageException($"--dropout must be in [0, 1); got {rate}") : rate);
        return sizes.HiddenSize % sizes.Heads == 0 ? sizes
            : throw new UsageException($"--heads {sizes.Heads} must divide --hidden {sizes.HiddenSize}");
    }
}
