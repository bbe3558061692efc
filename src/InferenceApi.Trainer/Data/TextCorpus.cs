using System.Text;
using InferenceApi.Core.Tokenization;

namespace InferenceApi.Trainer.Data;

/// <summary>
/// Plain-text documents as one token stream for a language model: each file's hard-wrapped lines are joined into
/// paragraphs (a blank line separates paragraphs, as in Project Gutenberg texts), tokenized with the server's own
/// <see cref="Gpt2Tokenizer"/>, and the documents are joined with the end-of-text token.
/// </summary>
public static class TextCorpus
{
    /// <summary>The files' text, each normalised to paragraphs; used to learn the tokenizer and then to tokenize.</summary>
    public static IReadOnlyList<string> ReadDocuments(IEnumerable<string> files)
    {
        var documents = new List<string>();
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"text file not found: {file}", file);
            }

            var text = Paragraphs(File.ReadAllText(file));
            if (text.Length == 0)
            {
                throw new InvalidDataException($"{file}: the file holds no text");
            }

            documents.Add(text);
        }

        return documents.Count > 0 ? documents : throw new ArgumentException("no text files were given");
    }

    public static int[] Tokenize(IReadOnlyList<string> documents, Gpt2Tokenizer tokenizer)
    {
        var endOfText = tokenizer.EosTokenId ?? throw new InvalidDataException("the tokenizer has no end-of-text token");
        var paragraphBreak = tokenizer.Encode("\n\n", int.MaxValue, truncate: false).Ids;
        var tokens = new List<int>();
        foreach (var document in documents)
        {
            // Paragraph by paragraph: the tokenizer's cost grows with a piece's length, and a novel is one long piece.
            foreach (var paragraph in document.Split("\n\n"))
            {
                tokens.AddRange(tokenizer.Encode(paragraph, int.MaxValue, truncate: false).Ids);
                tokens.AddRange(paragraphBreak);
            }

            tokens.Add(endOfText);
        }

        return [.. tokens];
    }

    /// <summary>Joins hard-wrapped lines with a space and keeps one blank line between paragraphs.</summary>
    internal static string Paragraphs(string text)
    {
        var result = new StringBuilder(text.Length);
        var paragraph = new StringBuilder();
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                Flush();
                continue;
            }

            if (paragraph.Length > 0)
            {
                paragraph.Append(' ');
            }

            paragraph.Append(line);
        }

        Flush();
        return result.ToString();

        void Flush()
        {
            if (paragraph.Length == 0)
            {
                return;
            }

            if (result.Length > 0)
            {
                result.Append("\n\n");
            }

            result.Append(paragraph);
            paragraph.Clear();
        }
    }
}
