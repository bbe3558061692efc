namespace InferenceApi.Trainer.Data;

/// <summary>The layouts labelled text is read from.</summary>
public enum TextDataFormat
{
    /// <summary>RFC 4180: a header row, commas, fields optionally quoted (commas, quotes and newlines inside quotes).</summary>
    Csv,

    /// <summary>A header row, tabs, no quoting (the GLUE/SST-2 layout: a quote is just a character).</summary>
    Tsv,

    /// <summary>One JSON object per line; the label may be a string or an integer.</summary>
    Jsonl,
}
