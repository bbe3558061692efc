using System.Globalization;
using System.Reflection;
using InferenceApi.Contracts.KServe;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Validation;
using InferenceApi.Hosting;

namespace InferenceApi.Serving.KServe;

/// <summary>
/// The Open Inference Protocol's server side, once for every transport: the REST endpoints and the gRPC service only
/// read requests and write answers around these calls. Health, server and model metadata, and inference: route checks,
/// the lease, the model's adapter (<see cref="IKServeModelAdapter"/>), requested outputs checked and kept.
/// </summary>
public sealed class KServeService(ModelRepository repository, KServeAdapterRegistry adapters, GracefulShutdown shutdown)
{
    public const string ServerName = "inference-api";
    public const string Platform = "onnxruntime_onnx";

    /// <summary>The protocol extensions this server speaks, by the names Triton reports them under.</summary>
    public static IReadOnlyList<string> Extensions { get; } = ["binary_tensor_data", "model_repository", "generate"];

    public static string ServerVersion { get; } = ReadServerVersion();

    public static KServeServerMetadata ServerMetadata { get; } = new(ServerName, ServerVersion, Extensions);

    /// <summary>The same answer as /health/ready (<see cref="ModelRepository.Readiness"/>): off before the first scan, while a version loads, and while draining.</summary>
    public bool IsReady => repository.Readiness(shutdown.IsDraining).IsReady;

    /// <summary>Whether a request for the model (or the pinned version) would be served now; an error when the model or version is unknown.</summary>
    public Result<bool> IsModelReady(string name, string? version)
    {
        var selector = KServeRequestValidator.Route(name, version);
        return selector.IsSuccess ? repository.IsServing(selector.Value.Name, selector.Value.Version) : selector.Error;
    }

    /// <summary>What the model (or the pinned version) takes and answers, through its adapter.</summary>
    public Result<KServeModelMetadata> Metadata(string name, string? version)
    {
        var opened = Open(name, version);
        if (!opened.IsSuccess)
        {
            return opened.Error;
        }

        var (lease, adapter, selector) = opened.Value;
        using var held = lease;
        var signature = adapter.Describe(lease.Runtime.Description);
        IReadOnlyList<long> versions = selector.Version is { } pinned ? [pinned] : repository.Model(selector.Name)?.ReadyVersions ?? [];
        return new KServeModelMetadata(name, versions.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToList(), Platform, signature.Inputs, signature.Outputs);
    }

    /// <summary>Runs a validated request on the model (or the pinned version) and keeps the outputs it asked for.</summary>
    public async Task<Served<KServeInferResult>> InferAsync(string name, string? version, ValidatedInferRequest request, CancellationToken cancellationToken)
    {
        var opened = Open(name, version);
        if (!opened.IsSuccess)
        {
            return opened.Error;
        }

        var (lease, adapter, _) = opened.Value;
        using var held = lease;
        var offered = adapter.Describe(lease.Runtime.Description).Outputs.Select(o => o.Name).ToList();
        var requested = request.RequestedOutputs;
        if (requested?.FirstOrDefault(o => !offered.Contains(o)) is { } unknown)
        {
            return new Served<KServeInferResult>(
                InferenceError.Invalid(
                    $"outputs[{requested.ToList().IndexOf(unknown)}].name",
                    $"'{unknown}' is not an output of model '{name}'; it has {string.Join(", ", offered)}.",
                    limit: offered,
                    received: unknown),
                lease.Model);
        }

        var served = await adapter.InferAsync(lease, request, cancellationToken).ConfigureAwait(false);
        var model = served.Model ?? lease.Model;
        return new Served<KServeInferResult>(
            served.Result.IsSuccess
                ? new KServeInferResult(model, request.Id, requested is { Count: > 0 } ? served.Result.Value.Where(o => requested.Contains(o.Name)).ToList() : served.Result.Value)
                : Result<KServeInferResult>.Fail(served.Result.Error),
            model,
            served.Report);
    }

    /// <summary>The route checked, a lease on the version that answers, and its model's adapter; the caller disposes the lease.</summary>
    private Result<(ModelLease<IModelRuntime> Lease, IKServeModelAdapter Adapter, ModelSelector Selector)> Open(string name, string? version)
    {
        var selector = KServeRequestValidator.Route(name, version);
        if (!selector.IsSuccess)
        {
            return selector.Error;
        }

        var acquired = repository.Acquire<IModelRuntime>(selector.Value.Name, selector.Value.Version);
        if (!acquired.IsSuccess)
        {
            return acquired.Error;
        }

        var adapter = adapters.For(name, acquired.Value.Runtime);
        if (!adapter.IsSuccess)
        {
            acquired.Value.Dispose();
            return adapter.Error;
        }

        return (acquired.Value, adapter.Value, selector.Value);
    }

    private static string ReadServerVersion()
    {
        var assembly = typeof(KServeService).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
    }
}
