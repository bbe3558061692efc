using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using InferenceApi.Onnx.Proto;
using DataType = InferenceApi.Onnx.Proto.TensorProto.Types.DataType;

namespace InferenceApi.Bench;

/// <summary>
/// KServe v2 infer of one [32, 3, 224, 224] FP32 tensor as JSON and as the binary tensor extension, side by side on one
/// server (a graph that averages each image's channels, so the model costs little and the transport shows): request
/// bytes and client-side latency of each, alternating, then the ratio.
/// </summary>
public static class BinaryTensorBenchmark
{
    private const int Rows = 32;
    private const int Side = 224;

    public static async Task<string> RunAsync(string serverDll, int requests)
    {
        var models = Directory.CreateTempSubdirectory("inferenceapi-bench-");
        try
        {
            WriteGraph(Path.Combine(models.FullName, "channel-means"));
            await using var server = await ServerProcess.StartAsync(serverDll, new Dictionary<string, string>
            {
                ["Models__Path"] = models.FullName,
                ["Cache__Enabled"] = "false",
                ["Api__MaxTensorRequestBytes"] = (256L * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
            });
            using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
            var random = new Random(1);
            var pixels = Enumerable.Range(0, Rows * 3 * Side * Side).Select(_ => (float)random.NextDouble()).ToArray();
            long[] shape = [Rows, 3, Side, Side];
            var json = JsonSerializer.SerializeToUtf8Bytes(new { inputs = new[] { new { name = "images", datatype = "FP32", shape, data = pixels } } });
            var header = JsonSerializer.SerializeToUtf8Bytes(new
            {
                inputs = new[] { new { name = "images", datatype = "FP32", shape, parameters = new { binary_data_size = pixels.Length * 4 } } },
                parameters = new { binary_data_output = true },
            });
            var binary = header.Concat(MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray()).ToArray();

            var jsonTimes = new List<double>();
            var binaryTimes = new List<double>();
            for (var i = -2; i < requests; i++)
            {
                var j = await TimeAsync(client, json, null);
                var b = await TimeAsync(client, binary, header.Length);
                if (i >= 0)
                {
                    jsonTimes.Add(j);
                    binaryTimes.Add(b);
                }
            }

            jsonTimes.Sort();
            binaryTimes.Sort();
            var jsonMedian = jsonTimes[jsonTimes.Count / 2];
            var binaryMedian = binaryTimes[binaryTimes.Count / 2];
            Console.WriteLine($"tensor [32,3,224,224] FP32, {requests} requests each, alternating:");
            Console.WriteLine($"  JSON    body {json.Length / 1e6,6:0.0} MB  p50 {jsonMedian,8:0.0} ms  mean {jsonTimes.Average(),8:0.0} ms");
            Console.WriteLine($"  binary  body {binary.Length / 1e6,6:0.0} MB  p50 {binaryMedian,8:0.0} ms  mean {binaryTimes.Average(),8:0.0} ms");
            return $"tensor binary/JSON: {jsonMedian / binaryMedian:0.0}x faster (p50 {binaryMedian:0} vs {jsonMedian:0} ms), {(double)json.Length / binary.Length:0.0}x smaller";
        }
        finally
        {
            models.Delete(recursive: true);
        }
    }

    private static async Task<double> TimeAsync(HttpClient client, byte[] body, int? headerLength)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(headerLength is null ? "application/json" : "application/octet-stream");
        if (headerLength is { } length)
        {
            content.Headers.Add("Inference-Header-Content-Length", length.ToString(CultureInfo.InvariantCulture));
        }

        var clock = Stopwatch.StartNew();
        using var response = await client.PostAsync("/v2/models/channel-means/infer", content);
        var answer = await response.Content.ReadAsByteArrayAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {Encoding.UTF8.GetString(answer)}");
        }

        return elapsed;
    }

    /// <summary>images FP32 [N, 3, 224, 224] → means FP32 [N, 3] (GlobalAveragePool, Flatten).</summary>
    private static void WriteGraph(string folder)
    {
        var graph = new GraphProto { Name = "channel-means" };
        graph.Input.Add(Tensor("images", "N", 3, Side, Side));
        graph.Output.Add(Tensor("means", "N", 3));
        graph.Node.Add(Node("GlobalAveragePool", "images", "pooled"));
        var flatten = Node("Flatten", "pooled", "means");
        flatten.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(flatten);
        var model = new ModelProto { IrVersion = 8, ProducerName = "InferenceApi.Bench", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), model.ToByteArray());
    }

    private static NodeProto Node(string op, string input, string output)
    {
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.Add(input);
        node.Output.Add(output);
        return node;
    }

    private static ValueInfoProto Tensor(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbol ? new TensorShapeProto.Types.Dimension { DimParam = symbol } : new TensorShapeProto.Types.Dimension { DimValue = (int)dim });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = shape } } };
    }
}
