using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Inference;
using InferenceApi.Core.Models;
using InferenceApi.Onnx;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InferenceApi.Trainer.Tests.Cli;

/// <summary>Loads a models folder through the server's own <see cref="ModelRepository"/> and loaders, as the server would at start.</summary>
internal static class ServedModels
{
    public static async Task<VersionSnapshot> LoadAsync(string root, string name)
    {
        using var meters = new TestMeterFactory();
        var backend = new OnnxBackend(new OnnxSessionFactory(NullLogger<OnnxSessionFactory>.Instance));
        var metrics = new InferenceMetrics(meters);
        IModelLoader[] loaders =
        [
            new TextEncoderLoader(backend, metrics, TimeProvider.System, NullLoggerFactory.Instance),
            new ImageClassifierLoader(backend, metrics, TimeProvider.System, NullLoggerFactory.Instance),
            new TextGenerationLoader(backend, metrics, TimeProvider.System, NullLoggerFactory.Instance),
        ];
        await using var repository = new ModelRepository(
            Options.Create(new ModelRepositoryOptions { Path = root }), loaders, backend, TimeProvider.System, NullLogger<ModelRepository>.Instance);
        await repository.ScanAsync(CancellationToken.None);
        return repository.Snapshot().Single(s => s.Name == name);
    }
}
