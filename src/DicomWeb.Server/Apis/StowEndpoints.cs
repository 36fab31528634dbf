using DicomWeb.Server.Http;
using DicomWeb.Server.Stow;

namespace DicomWeb.Server;

/// <summary>STOW-RS routes (PS3.18 §10.5): <c>POST studies</c> and <c>POST studies/{study}</c>.</summary>
public static class StowEndpoints
{
    /// <summary>Maps the STOW-RS routes under <paramref name="prefix"/>.</summary>
    public static IEndpointRouteBuilder MapStow(this IEndpointRouteBuilder routes, string prefix)
    {
        var group = routes.MapGroup(prefix).WithTags("STOW-RS");
        group.MapPost("/studies", (HttpContext context, StowService stow, ServiceUrls urls, DicomWebOptions options) =>
                StoreAsync(context, null, stow, urls, options))
            .WithName(RouteName(prefix, "StoreInstances"))
            .WithSummary("Store instances: multipart/related; type=\"application/dicom\", \"application/dicom+json\" or \"application/dicom+xml\" with bulk data parts");
        group.MapPost("/studies/{study}", (HttpContext context, string study, StowService stow, ServiceUrls urls, DicomWebOptions options) =>
                StoreAsync(context, study, stow, urls, options))
            .WithName(RouteName(prefix, "StoreStudyInstances"))
            .WithSummary("Store instances of one study; instances of other studies fail with reason 0xA900");
        return routes;
    }

    private static string RouteName(string prefix, string name) => prefix.Trim('/').Replace('-', '_') + "_" + name;

    private static async Task<IResult> StoreAsync(HttpContext context, string? study, StowService stow, ServiceUrls urls, DicomWebOptions options)
    {
        var mediaType = DatasetResult.Negotiate(context.Request.Headers.Accept);
        if (mediaType == null)
            return TypedResults.Problem($"Accept '{context.Request.Headers.Accept}' allows neither application/dicom+json nor application/dicom+xml",
                statusCode: StatusCodes.Status406NotAcceptable);
        StowService.ApplyBodyLimit(context, options.MaxRequestBodySize);
        var request = context.Request;
        var response = new StoreResponseBuilder(
            (st, se, sop) => urls.Instance(request, st, se, sop),
            st => urls.Study(request, st));
        var result = await stow.StoreAsync(request.ContentType, request.Headers.ContentEncoding, request.Body, study, response, context.RequestAborted);
        if (result.Reason != null) context.Response.Headers.Append("Warning", $"299 dicomweb \"{result.Reason.Replace('"', '\'')}\"");
        if (result.Response != null) return new DatasetResult(result.StatusCode, result.Response, mediaType);
        return TypedResults.Problem(result.Reason, statusCode: result.StatusCode);
    }
}
