using System.Text.Json;
using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Tests.Tokenization;

/// <summary>
/// The committed reference ids (tests/fixtures/tokenizers/references.json, made by tests/reference/tokenizer-references.mjs
/// with the Rust tokenizers library, tokenizers.js and SentencePiece) and the fixture tokenizers, loaded once.
/// </summary>
public static class TokenizerReferences
{
    private static readonly Lazy<Dictionary<string, List<ReferenceCase>>> Cases = new(Load);

    private static readonly Dictionary<string, Lazy<IGenerationTokenizer>> Tokenizers = new[] { "llama3", "qwen3", "mistral", "gemma3", "gpt2-austen", "tiny-gpt-chat", "llama2-spm" }
        .ToDictionary(name => name, name => new Lazy<IGenerationTokenizer>(() => GenerationTokenizerLoader.Load(Folder(name), GenerationTokenizerConfig.Read(Folder(name)))));

    public static string Folder(string name) => Path.Combine(TestPaths.TokenizerFixturesDirectory, name);

    public static IGenerationTokenizer Tokenizer(string name) => Tokenizers[name].Value;

    public static IReadOnlyList<ReferenceCase> For(string name) => Cases.Value[name];

    /// <summary>(tokenizer, case index) for every case of every fixture (with <paramref name="decodedOnly"/>, those with a reference decoding).</summary>
    public static TheoryData<string, int> All(bool decodedOnly)
    {
        var data = new TheoryData<string, int>();
        foreach ((string name, List<ReferenceCase> cases) in Cases.Value)
        {
            for (int i = 0; i < cases.Count; i++)
            {
                if (!decodedOnly || cases[i].Decoded is not null)
                {
                    data.Add(name, i);
                }
            }
        }

        return data;
    }

    private static Dictionary<string, List<ReferenceCase>> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.TokenizerFixturesDirectory, "references.json")));
        return document.RootElement.EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.GetProperty("cases").EnumerateArray().Select(c => new ReferenceCase(
                c.GetProperty("text").GetString()!,
                [.. c.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32())],
                c.GetProperty("decoded").GetString())).ToList());
    }
}

/// <summary>One text and what the reference implementation makes of it (<see cref="Decoded"/>: with special tokens skipped; null where not recorded).</summary>
public sealed record ReferenceCase(string Text, int[] Ids, string? Decoded);
