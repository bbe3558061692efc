namespace InferenceApi.Hosting;

/// <summary>Endpoint metadata: this endpoint accepts bodies up to <see cref="Bytes"/> instead of <see cref="ApiOptions.MaxRequestBodyBytes"/>.</summary>
public sealed record BodySizeLimit(Func<ApiOptions, long> Bytes);
