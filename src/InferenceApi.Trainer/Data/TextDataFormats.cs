namespace InferenceApi.Trainer.Data;

/// <summary>Names and file extensions of <see cref="TextDataFormat"/>.</summary>
public static class TextDataFormats
{
    public static readonly string[] Names = ["csv", "tsv", "jsonl"];

    /// <summary><paramref name="name"/> when given (csv, tsv or jsonl), else the format the extension says.</summary>
    public static TextDataFormat Resolve(string path, string? name)
    {
        if (name is not null)
        {
            return Parse(name) ?? throw new UsageException($"--format must be one of {string.Join(", ", Names)}; got '{name}'");
        }

        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => TextDataFormat.Csv,
            ".tsv" or ".tab" => TextDataFormat.Tsv,
            ".jsonl" or ".ndjson" => TextDataFormat.Jsonl,
            var other => throw new InvalidDataException(
                $"{path}: cannot tell the format from the extension '{other}'; use .csv, .tsv or .jsonl, or pass --format csv|tsv|jsonl"),
        };
    }

    public static TextDataFormat? Parse(string name) => name.ToLowerInvariant() switch
    {
        "csv" => TextDataFormat.Csv,
        "tsv" => TextDataFormat.Tsv,
        "jsonl" => TextDataFormat.Jsonl,
        _ => null,
    };

    public static string Name(TextDataFormat format) => Names[(int)format];
}
