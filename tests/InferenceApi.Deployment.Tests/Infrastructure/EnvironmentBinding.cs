using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace InferenceApi.Deployment.Tests.Infrastructure;

/// <summary>
/// Feeds container environment variables to the real server (in-process) the way .NET reads them
/// (<c>Models__Path</c> is the key <c>Models:Path</c>; <c>ASPNETCORE_</c> names are host settings) and reports
/// every one the server would ignore: a section no options class binds, a key no property binds
/// (<see cref="BinderOptions.ErrorOnUnknownConfiguration"/>), a value the options refuse, or a bound value that
/// differs from the one given.
/// </summary>
public sealed class EnvironmentBinding : IAsyncDisposable
{
    private const string HostPrefix = "ASPNETCORE_";

    /// <summary>Host settings the web host reads from ASPNETCORE_ variables (WebHostDefaults).</summary>
    private static readonly HashSet<string> HostKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        WebHostDefaults.HttpPortsKey, WebHostDefaults.HttpsPortsKey, WebHostDefaults.ServerUrlsKey, WebHostDefaults.EnvironmentKey,
    };

    private readonly CapturingFactory _factory = new();
    private readonly List<(string Name, string Value)> _environment;
    private string? _startupError;

    private EnvironmentBinding(IEnumerable<(string Name, string Value)> environment)
    {
        _environment = [.. environment];
        foreach (var (name, value) in _environment.Where(e => !e.Name.StartsWith(HostPrefix, StringComparison.Ordinal)))
        {
            _factory.With(ConfigurationKey(name), value);
        }
    }

    /// <summary>Options section name → the options class the server binds to it.</summary>
    public IReadOnlyDictionary<string, Type> Sections { get; private set; } = new Dictionary<string, Type>();

    public static async Task<EnvironmentBinding> StartAsync(IEnumerable<(string Name, string Value)> environment)
    {
        var binding = new EnvironmentBinding(environment);
        try
        {
            binding._factory.CreateClient().Dispose();
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
        {
            // A value the options refuse stops the host (ValidateOnStart): that is the problem to report.
            binding._startupError = $"the server does not start: {e.Message}";
        }

        binding.Sections = binding._factory.Registrations!
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Distinct()
            .Select(type => (type, section: SectionOf(type)))
            .Where(t => t.section is not null)
            .ToDictionary(t => t.section!, t => t.type, StringComparer.OrdinalIgnoreCase);
        return binding;
    }

    /// <summary>The server's bound and validated options of type <typeparamref name="T"/>.</summary>
    public T Options<T>()
        where T : class => _factory.Services.GetRequiredService<IOptions<T>>().Value;

    public IReadOnlyList<string> Problems()
    {
        if (_startupError is not null)
        {
            return [_startupError];
        }

        var problems = new List<string>();
        foreach (var (name, value) in _environment)
        {
            if (name.StartsWith(HostPrefix, StringComparison.Ordinal))
            {
                if (!HostKeys.Contains(name[HostPrefix.Length..]))
                {
                    problems.Add($"{name}: not a web host setting ({string.Join(", ", HostKeys.Select(k => HostPrefix + k.ToUpperInvariant()))})");
                }

                continue;
            }

            var key = ConfigurationKey(name);
            var path = key.Split(':');
            if (!Sections.TryGetValue(path[0], out var type))
            {
                problems.Add($"{name}: the server binds no options section '{path[0]}' (it binds {string.Join(", ", Sections.Keys.Order(StringComparer.Ordinal))})");
                continue;
            }

            try
            {
                // This key alone, so that one unknown key does not taint the others of its section.
                new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build()
                    .GetSection(path[0]).Get(type, o => o.ErrorOnUnknownConfiguration = true);
                var bound = Resolve(_factory.Services.GetRequiredService(typeof(IOptions<>).MakeGenericType(type)), "Value");
                var actual = path.Skip(1).Aggregate(bound, (current, step) => Resolve(current, step));
                if (!Same(actual, value))
                {
                    problems.Add($"{name}: the server bound {key} to '{Format(actual)}', not '{value}'");
                }
            }
            catch (InvalidOperationException e)
            {
                problems.Add($"{name}: {e.Message}");
            }
            catch (OptionsValidationException e)
            {
                problems.Add($"{name}: the server refuses '{value}': {e.Message}");
            }
        }

        return problems;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    /// <summary>What .NET's environment-variable configuration source makes of a variable name.</summary>
    public static string ConfigurationKey(string name) => name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);

    private static string? SectionOf(Type type) => type
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .FirstOrDefault(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name is "Section" or "SectionName")
        ?.GetRawConstantValue() as string;

    private static object? Resolve(object? owner, string name)
    {
        if (owner is null)
        {
            return null;
        }

        var property = owner.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
            ?? throw new InvalidOperationException($"{owner.GetType().Name} has no property '{name}'");
        return property.GetValue(owner);
    }

    private static bool Same(object? actual, string expected) => actual switch
    {
        Enum e => string.Equals(e.ToString(), expected, StringComparison.OrdinalIgnoreCase),
        IFormattable f => string.Equals(f.ToString(null, CultureInfo.InvariantCulture), expected, StringComparison.Ordinal),
        string s => s == expected,
        _ => false,
    };

    private static string Format(object? value) => value switch
    {
        null => "null",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
