using System.Text.Json;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Trainer.Tests.Export;

/// <summary>
/// The tiny Llama-style exports through the real server's HTTP API: greedy ids equal TorchSharp's (re-running the
/// whole sequence, no cache) for every prompt alone, for all prompts of every layout at once (sequences joining a
/// running batch at different steps, sharing decode steps with each other), and streamed token by token. Greedy
/// decoding runs with <see cref="DecoderReference.Penalty"/> so that the tokens vary, and plainly in the concurrent test.
/// </summary>
public sealed class LlamaServingTests(TinyLlamaServer server) : IClassFixture<TinyLlamaServer>
{
    private const int NewTokens = 12;

    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        foreach (var model in TinyLlamaServer.Models)
        {
            for (var prompt = 0; prompt < 3; prompt++)
            {
                cases.Add(model, prompt);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Generate_GreedyAlone_MatchesTorchSharp(string model, int prompt)
    {
        using var response = await server.Client.PostJsonAsync("/v1/generate", Request(model, prompt));

        var expected = Expected(model, prompt);
        Assert.Equal(expected, Ids(await response.ReadJsonAsync()));

        // A model that repeats one token would match a broken cache or position too: this one must vary.
        Assert.True(expected.Distinct().Count() >= 4, $"the reference greedy ids hardly vary: {string.Join(",", expected)}");
    }

    [Fact]
    public async Task Generate_EveryPromptOfEveryLayoutAtOnce_PlainAndPenalised_EachMatchesTorchSharp()
    {
        // Staggered starts: later sequences join the running batch while earlier ones are decoding.
        var requests = Cases().SelectMany(row => new[] { 1f, DecoderReference.Penalty }.Select(penalty => (Model: (string)row[0], Prompt: (int)row[1], Penalty: penalty)))
            .Select(async (c, i) =>
            {
                await Task.Delay(i * 5);
                using var response = await server.Client.PostJsonAsync("/v1/generate", Request(c.Model, c.Prompt, c.Penalty));
                return (Expected: Expected(c.Model, c.Prompt, c.Penalty), Actual: Ids(await response.ReadJsonAsync()));
            }).ToList();

        foreach (var (expected, actual) in await Task.WhenAll(requests))
        {
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [InlineData(TinyLlamaServer.Float32Model)]
    [InlineData(TinyLlamaServer.Float16Model)]
    [InlineData(TinyLlamaServer.MergedModel)]
    public async Task GenerateStream_TokenEventsCarryTheTorchSharpIds(string model)
    {
        using var response = await server.Client.PostJsonAsync("/v1/generate", new { model, prompt = server.Chapter.Texts[0], max_new_tokens = NewTokens, repetition_penalty = DecoderReference.Penalty, stream = true });

        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n'))
            .Select(lines => (Type: lines.First(l => l.StartsWith("event: ", StringComparison.Ordinal))[7..],
                Data: JsonDocument.Parse(lines.First(l => l.StartsWith("data: ", StringComparison.Ordinal))[6..]).RootElement.Clone()))
            .ToList();
        Assert.Equal("end", events[^1].Type);
        Assert.Equal(Expected(model, 0), events.SkipLast(1).Select(e => e.Data.GetProperty("token").GetProperty("id").GetInt32()));
    }

    private object Request(string model, int prompt, float penalty = DecoderReference.Penalty) =>
        new { model, prompt = server.Chapter.Texts[prompt], max_new_tokens = NewTokens, repetition_penalty = penalty, logprobs = true };

    private int[] Expected(string model, int prompt, float penalty = DecoderReference.Penalty) =>
        DecoderReference.GreedyInTorch(server.Reference(model), server.Chapter.Prompts[prompt], NewTokens, new HashSet<int> { server.Chapter.EndOfText }, penalty);

    private static int[] Ids(JsonElement body) => [.. body.GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("id").GetInt32())];
}
