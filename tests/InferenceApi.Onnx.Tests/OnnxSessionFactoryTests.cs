using InferenceApi.Core.Backends;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace InferenceApi.Onnx.Tests;

/// <summary>
/// What the log says when CUDA is missing, on this CPU build of ONNX Runtime: the default Auto falls back quietly, once
/// for the whole server; a Cuda that was asked for warns for every model it could not place.
/// </summary>
public sealed class OnnxSessionFactoryTests
{
    private static readonly string Model = Path.Combine(TestPaths.TinyBertClsDirectory, "model.onnx");

    [Fact]
    public void Open_AutoWithoutCuda_SaysItOnceAtInformation()
    {
        var logger = new FakeLogger<OnnxSessionFactory>();
        var factory = new OnnxSessionFactory(logger);

        var placements = Enumerable.Range(0, 3).Select(_ => Open(factory, ExecutionProvider.Auto)).ToList();

        Assert.All(placements, placement => Assert.Equal("CPU", placement));
        var record = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Information, record.Level);
        Assert.Contains("CUDA is unavailable", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_CudaAskedForWithoutCuda_WarnsForEachModel()
    {
        var logger = new FakeLogger<OnnxSessionFactory>();
        var factory = new OnnxSessionFactory(logger);

        var placements = Enumerable.Range(0, 2).Select(_ => Open(factory, ExecutionProvider.Cuda)).ToList();

        Assert.All(placements, placement => Assert.StartsWith("CPU (CUDA unavailable: ", placement, StringComparison.Ordinal));
        var records = logger.Collector.GetSnapshot();
        Assert.Equal(2, records.Count);
        Assert.All(records, record => Assert.Equal(LogLevel.Warning, record.Level));
        Assert.All(records, record => Assert.Contains(Model, record.Message, StringComparison.Ordinal));
    }

    private static string Open(OnnxSessionFactory factory, ExecutionProvider provider)
    {
        var (session, placement) = factory.Open(Model, new SessionSettings(provider, 1, 1, 0));
        session.Dispose();
        return placement;
    }
}
