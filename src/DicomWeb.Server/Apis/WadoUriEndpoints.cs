using DicomWeb.Dicom;
using DicomWeb.Multipart;
using DicomWeb.Server.Wado;

namespace DicomWeb.Server;

/// <summary>WADO-URI (PS3.18 §9): <c>GET {path}?requestType=WADO&amp;studyUID=…&amp;seriesUID=…&amp;objectUID=…</c>.</summary>
public static class WadoUriEndpoints
{
    /// <summary>Maps WADO-URI at <paramref name="path"/> (usually <c>/wado</c>).</summary>
    public static IEndpointRouteBuilder MapWadoUri(this IEndpointRouteBuilder routes, string path)
    {
        routes.MapGet(path, (HttpContext context, WadoService wado) => RetrieveAsync(context, wado))
            .WithTags("WADO-URI")
            .WithName(path.Trim('/').Replace('-', '_') + "_WadoUri")
            .WithSummary("Retrieve one instance as application/dicom (rendered images come with the codec work)");
        return routes;
    }

    private static async Task<IResult> RetrieveAsync(HttpContext context, WadoService wado)
    {
        var query = context.Request.Query;
        var requestType = query["requestType"].ToString();
        if (requestType.Length == 0) return BadRequest("requestType is missing: it must be WADO");
        if (requestType != "WADO") return BadRequest($"requestType '{requestType}' is not supported: it must be WADO");
        string? study = null, series = null, sop = null;
        foreach (var (name, assign) in new (string, Action<string>)[] { ("studyUID", v => study = v), ("seriesUID", v => series = v), ("objectUID", v => sop = v) })
        {
            var values = query[name];
            if (values.Count == 0 || string.IsNullOrWhiteSpace(values[0])) return BadRequest($"{name} is missing");
            if (values.Count > 1) return BadRequest($"{name} is given {values.Count} times");
            if (!DicomUid.IsValid(values[0]!)) return BadRequest($"{name} '{values[0]}' is not a valid UID");
            assign(values[0]!);
        }

        // contentType is a list of acceptable media types (PS3.18 §9.4.2.1); application/dicom when absent.
        var contentType = query["contentType"].ToString();
        if (contentType.Length > 0)
        {
            var types = MediaTypeHeader.ParseList(contentType.Replace(' ', '+'));
            if (types.Count == 0) return BadRequest($"contentType '{contentType}' is not a media type");
            if (!types.Any(t => t.Quality > 0 && t.MediaType is "application/dicom" or "*/*" or "application/*"))
                return TypedResults.Problem($"contentType '{contentType}' is not available: this server sends application/dicom; " +
                                            "rendered images (image/jpeg, image/png, …) need the rendering that is not there yet",
                    statusCode: StatusCodes.Status406NotAcceptable);
        }

        string? transferSyntax = null;
        var syntaxValues = query["transferSyntax"];
        if (syntaxValues.Count > 0)
        {
            transferSyntax = syntaxValues[0]?.Trim();
            if (string.IsNullOrEmpty(transferSyntax) || syntaxValues.Count > 1 || !DicomUid.IsValid(transferSyntax))
                return BadRequest($"transferSyntax '{syntaxValues}' is not one transfer syntax UID");
            if (!DicomTransferSyntax.TryGet(transferSyntax, out _))
                return BadRequest($"transferSyntax '{transferSyntax}' is not a known transfer syntax UID");
        }
        return await wado.RetrieveSingleInstanceAsync(context, study!, series!, sop!, transferSyntax);
    }

    private static IResult BadRequest(string reason) => TypedResults.Problem(reason, statusCode: StatusCodes.Status400BadRequest);
}
