using System.Globalization;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace InferenceApi.Trainer.Data;

/// <summary>
/// Reads labelled text from CSV, TSV or JSONL. Every problem is an <see cref="InvalidDataException"/> that starts
/// with <c>file:line</c>, so the user can open the file at the bad record.
/// </summary>
public static class LabelledTextReader
{
    public static IReadOnlyList<LabelledText> Read(string path, TextDataFormat format, TextColumns columns)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"data file not found: {path}", path);
        }

        var rows = format == TextDataFormat.Jsonl ? ReadJsonLines(path, columns) : ReadDelimited(path, format, columns);
        return rows.Count == 0 ? throw new InvalidDataException($"{path}: no examples") : rows;
    }

    private static List<LabelledText> ReadDelimited(string path, TextDataFormat format, TextColumns columns)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = format == TextDataFormat.Tsv ? "\t" : ",",

            // TSV as GLUE writes it has no quoting: a quote in a sentence is text, not the start of a field.
            Mode = format == TextDataFormat.Tsv ? CsvMode.NoEscape : CsvMode.RFC4180,
            BadDataFound = args => throw new InvalidDataException(
                $"{path}:{args.Context.Parser?.RawRow}: a quote inside an unquoted field ({Shorten(args.RawRecord)}); quote the whole field and double the quotes inside it"),
        };
        using var reader = new StreamReader(path);
        using var parser = new CsvParser(reader, config);
        if (!parser.Read())
        {
            throw new InvalidDataException($"{path}: the file is empty; expected a header row with '{columns.Text}' and '{columns.Label}'");
        }

        var header = parser.Record ?? [];
        var textIndex = Column(path, header, columns.Text, "--text-column");
        var labelIndex = Column(path, header, columns.Label, "--label-column");
        var rows = new List<LabelledText>();
        var lastLine = parser.RawRow;
        while (parser.Read())
        {
            // A quoted field may span lines: the record starts on the line after the previous one ended.
            var line = lastLine + 1;
            lastLine = parser.RawRow;
            var record = parser.Record ?? [];
            if (record.Length <= Math.Max(textIndex, labelIndex))
            {
                throw new InvalidDataException($"{path}:{line}: expected {header.Length} fields, got {record.Length}");
            }

            rows.Add(Row(path, line, record[textIndex], record[labelIndex]));
        }

        return rows;
    }

    private static List<LabelledText> ReadJsonLines(string path, TextColumns columns)
    {
        var rows = new List<LabelledText>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{line}: not valid JSON ({e.Message})", e);
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"{path}:{line}: expected a JSON object with \"{columns.Text}\" and \"{columns.Label}\"; got {root.ValueKind}");
                }

                rows.Add(Row(path, line, JsonText(path, line, root, columns.Text, "--text-column"), JsonLabel(path, line, root, columns.Label)));
            }
        }

        return rows;
    }

    private static LabelledText Row(string path, int line, string text, string label)
    {
        label = label.Trim();
        return label.Length == 0 ? throw new InvalidDataException($"{path}:{line}: the label is empty") : new LabelledText(text, label, line);
    }

    private static int Column(string path, string[] header, string name, string option)
    {
        var index = Array.FindIndex(header, h => string.Equals(h.Trim(), name, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index
            : throw new InvalidDataException($"{path}:1: no column '{name}' ({option}); the columns are: {string.Join(", ", header)}");
    }

    private static string JsonText(string path, int line, JsonElement root, string name, string option) =>
        !root.TryGetProperty(name, out var value) ? throw new InvalidDataException($"{path}:{line}: no \"{name}\" field ({option})")
        : value.ValueKind == JsonValueKind.String ? value.GetString()!
        : throw new InvalidDataException($"{path}:{line}: \"{name}\" must be a string; got {value.ValueKind}");

    private static string JsonLabel(string path, int line, JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) ? throw new InvalidDataException($"{path}:{line}: no \"{name}\" field (--label-column)")
        : value.ValueKind == JsonValueKind.String ? value.GetString()!
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number.ToString(CultureInfo.InvariantCulture)
        : throw new InvalidDataException($"{path}:{line}: \"{name}\" must be a string or an integer; got {value.GetRawText()}");

    private static string Shorten(string text) => text.Length <= 60 ? text.TrimEnd() : text[..57] + "...";
}
