using System.Text.Json;
using System.Text.Json.Serialization;
using InferenceApi.LoadGen.Results;

namespace InferenceApi.LoadGen.Reporting;

/// <summary>Reads and writes results.json (camelCase, nulls left out).</summary>
public static class ResultJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(LoadTestResult result) => JsonSerializer.Serialize(result, Options);

    public static async Task WriteAsync(LoadTestResult result, string path, CancellationToken ct = default)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, result, Options, ct).ConfigureAwait(false);
    }

    public static async Task<LoadTestResult> ReadAsync(string path, CancellationToken ct = default)
    {
        await using var file = File.OpenRead(path);
        var result = await JsonSerializer.DeserializeAsync<LoadTestResult>(file, Options, ct).ConfigureAwait(false)
            ?? throw new InvalidDataException($"'{path}' holds no results.");
        if (result.Schema != LoadTestResult.CurrentSchema)
        {
            throw new InvalidDataException($"'{path}' has schema '{result.Schema}'; this tool reads '{LoadTestResult.CurrentSchema}'.");
        }

        return result;
    }
}
