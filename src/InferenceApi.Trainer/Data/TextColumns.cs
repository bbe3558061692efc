namespace InferenceApi.Trainer.Data;

/// <summary>Which fields hold the text and the label (column names for CSV/TSV, property names for JSONL).</summary>
public sealed record TextColumns(string Text = TextColumns.DefaultText, string Label = TextColumns.DefaultLabel)
{
    public const string DefaultText = "text";
    public const string DefaultLabel = "label";
}
