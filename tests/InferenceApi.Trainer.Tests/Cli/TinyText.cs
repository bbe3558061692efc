using System.Text;

namespace InferenceApi.Trainer.Tests.Cli;

/// <summary>
/// Small labelled sentiment data written by the tests themselves: a WordPiece vocabulary of a few words plus every
/// letter (so any lower-case text tokenizes), and sentences whose label follows from their adjectives.
/// </summary>
internal static class TinyText
{
    public static readonly string[] Positive = ["good", "great", "fun", "fine"];
    public static readonly string[] Negative = ["bad", "awful", "boring", "dull"];

    public static string WriteVocabulary(string folder)
    {
        var path = Path.Combine(folder, "vocab.txt");
        string[] words = ["the", "movie", "film", "it", "'", ",", ".", "\"", .. Positive, .. Negative];
        var letters = Enumerable.Range('a', 26).Select(c => ((char)c).ToString()).ToArray();
        File.WriteAllLines(path, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. words, .. letters, .. letters.Select(l => "##" + l)]);
        return path;
    }

    /// <summary><paramref name="count"/> examples, alternating labels, in a seeded order of words.</summary>
    public static IReadOnlyList<(string Text, string Label)> Examples(int count, int seed = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var positive = i % 2 == 0;
            var words = positive ? Positive : Negative;
            var (first, second) = (words[random.Next(words.Length)], words[random.Next(words.Length)]);
            var text = (i % 3) switch
            {
                0 => $"the {first} movie",
                1 => $"a {first}, {second} film",
                _ => $"it 's \"{first}\"",
            };
            return (text, positive ? "positive" : "negative");
        })];
    }

    /// <summary>RFC 4180 CSV: fields with commas or quotes are quoted, quotes doubled; one text spans two lines.</summary>
    public static string WriteCsv(string folder, string name, IReadOnlyList<(string Text, string Label)> rows)
    {
        var csv = new StringBuilder("id,text,label\n");
        for (var i = 0; i < rows.Count; i++)
        {
            var text = i == 1 ? rows[i].Text.Replace(", ", ",\n", StringComparison.Ordinal) : rows[i].Text;
            csv.Append(i).Append(',').Append(Quote(text)).Append(',').Append(rows[i].Label).Append('\n');
        }

        var path = Path.Combine(folder, name);
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    public static string WriteTsv(string folder, string name, IReadOnlyList<(string Text, string Label)> rows, string textColumn = "text")
    {
        var path = Path.Combine(folder, name);
        File.WriteAllLines(path, [$"{textColumn}\tlabel", .. rows.Select(r => $"{r.Text}\t{r.Label}")]);
        return path;
    }

    public static string WriteJsonl(string folder, string name, IReadOnlyList<(string Text, string Label)> rows)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllLines(path, rows.Select(r => System.Text.Json.JsonSerializer.Serialize(new { text = r.Text, label = r.Label })));
        return path;
    }

    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
