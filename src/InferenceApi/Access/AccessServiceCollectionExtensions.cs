using Microsoft.Extensions.Options;

namespace InferenceApi.Access;

/// <summary>DI wiring of access control: keys, the authenticator, the rate limiter and its counters, metrics, the start-up warning.</summary>
public static class AccessServiceCollectionExtensions
{
    public static IServiceCollection AddAccessControl(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateOnStart();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddKeyedSingleton<TimeProvider>(QuotaCounter.ClockKey, (provider, _) => provider.GetRequiredService<TimeProvider>());
        services.AddSingleton<QuotaCounter>();
        services.AddSingleton<ApiRateLimiter>();
        services.AddSingleton<AccessMetrics>();
        services.AddSingleton<AccessControl>();
        services.AddHostedService<OpenAccessWarning>();
        return services;
    }
}
