using DicomWeb.Server.Wado;

namespace DicomWeb.Server;

/// <summary>
/// WADO-RS routes (PS3.18 §10.4): instances, metadata, frames and bulk data of studies, series and instances.
/// </summary>
public static class WadoEndpoints
{
    /// <summary>Maps the WADO-RS routes under <paramref name="prefix"/>.</summary>
    public static IEndpointRouteBuilder MapWado(this IEndpointRouteBuilder routes, string prefix)
    {
        var group = routes.MapGroup(prefix).WithTags("WADO-RS");
        group.MapGet("/studies/{study}", (HttpContext context, string study, WadoService wado) =>
                wado.RetrieveInstancesAsync(context, study, null, null))
            .WithName(RouteName(prefix, "RetrieveStudy"))
            .WithSummary("Retrieve the instances of a study (multipart/related; type=\"application/dicom\", or application/zip)");
        group.MapGet("/studies/{study}/series/{series}", (HttpContext context, string study, string series, WadoService wado) =>
                wado.RetrieveInstancesAsync(context, study, series, null))
            .WithName(RouteName(prefix, "RetrieveSeries"))
            .WithSummary("Retrieve the instances of a series");
        group.MapGet("/studies/{study}/series/{series}/instances/{sop}", (HttpContext context, string study, string series, string sop, WadoService wado) =>
                wado.RetrieveInstancesAsync(context, study, series, sop))
            .WithName(RouteName(prefix, "RetrieveInstance"))
            .WithSummary("Retrieve one instance (multipart/related, single-part application/dicom, or application/zip)");

        group.MapGet("/studies/{study}/metadata", (HttpContext context, string study, WadoService wado) =>
                wado.RetrieveMetadataAsync(context, study, null, null))
            .WithName(RouteName(prefix, "RetrieveStudyMetadata"))
            .WithSummary("Metadata of a study's instances (application/dicom+json, or multipart/related XML)");
        group.MapGet("/studies/{study}/series/{series}/metadata", (HttpContext context, string study, string series, WadoService wado) =>
                wado.RetrieveMetadataAsync(context, study, series, null))
            .WithName(RouteName(prefix, "RetrieveSeriesMetadata"))
            .WithSummary("Metadata of a series' instances");
        group.MapGet("/studies/{study}/series/{series}/instances/{sop}/metadata", (HttpContext context, string study, string series, string sop, WadoService wado) =>
                wado.RetrieveMetadataAsync(context, study, series, sop))
            .WithName(RouteName(prefix, "RetrieveInstanceMetadata"))
            .WithSummary("Metadata of one instance");

        group.MapGet("/studies/{study}/series/{series}/instances/{sop}/frames/{frames}",
                (HttpContext context, string study, string series, string sop, string frames, WadoService wado) =>
                    wado.RetrieveFramesAsync(context, study, series, sop, frames))
            .WithName(RouteName(prefix, "RetrieveFrames"))
            .WithSummary("Frames of an instance (1-based list, e.g. 1,3,5), native or as stored compressed");
        group.MapGet("/studies/{study}/series/{series}/instances/{sop}/bulk/{**path}",
                (HttpContext context, string study, string series, string sop, string path, WadoService wado) =>
                    wado.RetrieveBulkDataAsync(context, study, series, sop, path))
            .WithName(RouteName(prefix, "RetrieveBulkData"))
            .WithSummary("A value that metadata refers to by BulkDataURI (Range supported)");
        return routes;
    }

    private static string RouteName(string prefix, string name) => prefix.Trim('/').Replace('-', '_') + "_" + name;
}
