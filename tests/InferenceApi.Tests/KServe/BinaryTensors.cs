using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceApi.Tests.KServe;

/// <summary>Builds and reads bodies of the binary tensor extension as a Triton client does.</summary>
internal static class BinaryTensors
{
    public const string HeaderLength = "Inference-Header-Content-Length";

    /// <summary>A request body: <paramref name="header"/> with binary_data_size set on each input named in <paramref name="binary"/>, then their bytes in input order.</summary>
    public static HttpContent Request(JsonObject header, IReadOnlyDictionary<string, byte[]> binary)
    {
        foreach (var input in header["inputs"]!.AsArray())
        {
            if (binary.TryGetValue(input!["name"]!.GetValue<string>(), out var bytes))
            {
                input.AsObject().Remove("data");
                input["parameters"] = new JsonObject { ["binary_data_size"] = bytes.Length };
            }
        }

        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var order = header["inputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()).Where(binary.ContainsKey);
        var body = json.Concat(order.SelectMany(name => binary[name])).ToArray();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add(HeaderLength, json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return content;
    }

    /// <summary>The JSON header of a response, and each binary output's bytes by name.</summary>
    public static async Task<(JsonElement Header, Dictionary<string, byte[]> Outputs)> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.IsSuccessStatusCode, Encoding.UTF8.GetString(body));
        var length = int.Parse(response.Headers.GetValues(HeaderLength).Single(), System.Globalization.CultureInfo.InvariantCulture);
        var header = JsonDocument.Parse(body.AsMemory(0, length)).RootElement.Clone();
        var outputs = new Dictionary<string, byte[]>();
        var offset = length;
        foreach (var output in header.GetProperty("outputs").EnumerateArray())
        {
            if (output.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty("binary_data_size", out var size))
            {
                outputs[output.GetProperty("name").GetString()!] = body[offset..(offset + size.GetInt32())];
                offset += size.GetInt32();
            }
        }

        Assert.Equal(body.Length, offset);
        return (header, outputs);
    }

    public static byte[] Bytes<T>(T[] values)
        where T : struct => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static byte[] Bools(bool[] values) => values.Select(v => v ? (byte)1 : (byte)0).ToArray();

    /// <summary>BYTES elements as Triton lays them out: a 4-byte little-endian length, then the bytes.</summary>
    public static byte[] Strings(IEnumerable<string> values) => values.SelectMany(v =>
    {
        var bytes = Encoding.UTF8.GetBytes(v);
        var prefix = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)bytes.Length);
        return prefix.Concat(bytes);
    }).ToArray();
}
