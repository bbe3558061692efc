using InferenceApi.Core.Errors;

namespace InferenceApi.Access;

/// <summary>What endpoints ask of access control about their request: who calls, may they use a model, their token quota.</summary>
public static class HttpAccess
{
    /// <summary>The caller <see cref="AccessControlMiddleware"/> accepted; <see cref="ApiCaller.Anonymous"/> where no key is needed.</summary>
    public static ApiCaller ApiCaller(this HttpContext http) => http.Features.Get<ApiCaller>() ?? Access.ApiCaller.Anonymous;

    /// <summary>Null when the caller may use <paramref name="model"/> (or names none: the endpoint's own check asks for one), else the 403.</summary>
    public static InferenceError? AuthorizeModel(this HttpContext http, string? model, string field = "model") =>
        string.IsNullOrEmpty(model) || http.Features.Get<ApiCaller>() is not { Key: not null } caller
            ? null
            : http.RequestServices.GetRequiredService<AccessControl>().AuthorizeModel(caller, model, field);

    /// <summary>The caller's token quota for a generation request, or null when access control is off.</summary>
    public static TokenQuota? TokenQuota(this HttpContext http) =>
        http.Features.Get<ApiCaller>() is { Key: not null } caller
            ? new TokenQuota(http.RequestServices.GetRequiredService<AccessControl>(), caller)
            : null;
}
