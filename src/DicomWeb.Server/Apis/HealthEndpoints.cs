using DicomWeb.Dicom;

namespace DicomWeb.Server;

/// <summary>Liveness endpoint: answers while the process can serve requests.</summary>
public static class HealthEndpoints
{
    /// <summary>Maps <c>GET /health/live</c>.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health/live", () => TypedResults.Ok(new LiveStatus("Healthy", DicomTransferSyntax.All.Count)))
            .WithName("Live");
        return routes;
    }

    /// <summary>The liveness answer.</summary>
    /// <param name="Status">Always "Healthy" when the process answers.</param>
    /// <param name="TransferSyntaxesKnown">How many transfer syntaxes the DICOM core knows (proves the core loaded).</param>
    public sealed record LiveStatus(string Status, int TransferSyntaxesKnown);
}
