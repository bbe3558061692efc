namespace InferenceApi.Access;

/// <summary>Who may read <c>/metrics</c>.</summary>
public enum MetricsExposure
{
    /// <summary>Anyone who can reach the port (Prometheus scrapes without a key).</summary>
    Public,

    /// <summary>Keys with the <c>admin</c> scope (Prometheus sends one as a bearer token); anyone while access control is off.</summary>
    Admin,

    /// <summary>Not served (404).</summary>
    Off,
}
