using DicomWeb.Server.Http;
using DicomWeb.Server.Qido;
using DicomWeb.Storage.Query;

namespace DicomWeb.Server;

/// <summary>
/// QIDO-RS routes (PS3.18 §10.6): search for studies, series and instances, at the top level or within a study or
/// series. Matching, paging and result attributes are described in docs/conformance-qido.md.
/// </summary>
public static class QidoEndpoints
{
    /// <summary>Maps the QIDO-RS routes under <paramref name="prefix"/>.</summary>
    public static IEndpointRouteBuilder MapQido(this IEndpointRouteBuilder routes, string prefix)
    {
        var group = routes.MapGroup(prefix).WithTags("QIDO-RS");
        group.MapGet("/studies", (HttpContext context, IndexSearch search, SearchOptions options, ServiceUrls urls) =>
                SearchAsync(context, QueryLevel.Study, null, null, search, options, urls))
            .WithName(RouteName(prefix, "SearchStudies"))
            .WithSummary("Search for studies");
        group.MapGet("/series", (HttpContext context, IndexSearch search, SearchOptions options, ServiceUrls urls) =>
                SearchAsync(context, QueryLevel.Series, null, null, search, options, urls))
            .WithName(RouteName(prefix, "SearchSeries"))
            .WithSummary("Search for series");
        group.MapGet("/instances", (HttpContext context, IndexSearch search, SearchOptions options, ServiceUrls urls) =>
                SearchAsync(context, QueryLevel.Instance, null, null, search, options, urls))
            .WithName(RouteName(prefix, "SearchInstances"))
            .WithSummary("Search for instances");
        group.MapGet("/studies/{study}/series", (HttpContext context, string study, IndexSearch search, SearchOptions options, ServiceUrls urls) =>
                SearchAsync(context, QueryLevel.Series, study, null, search, options, urls))
            .WithName(RouteName(prefix, "SearchStudySeries"))
            .WithSummary("Search for series of a study");
        group.MapGet("/studies/{study}/instances", (HttpContext context, string study, IndexSearch search, SearchOptions options, ServiceUrls urls) =>
                SearchAsync(context, QueryLevel.Instance, study, null, search, options, urls))
            .WithName(RouteName(prefix, "SearchStudyInstances"))
            .WithSummary("Search for instances of a study");
        group.MapGet("/studies/{study}/series/{series}/instances",
                (HttpContext context, string study, string series, IndexSearch search, SearchOptions options, ServiceUrls urls) =>
                    SearchAsync(context, QueryLevel.Instance, study, series, search, options, urls))
            .WithName(RouteName(prefix, "SearchSeriesInstances"))
            .WithSummary("Search for instances of a series");
        return routes;
    }

    private static string RouteName(string prefix, string name) => prefix.Trim('/').Replace('-', '_') + "_" + name;

    private static async Task<IResult> SearchAsync(HttpContext context, QueryLevel level, string? study, string? series,
        IndexSearch search, SearchOptions options, ServiceUrls urls)
    {
        var accept = context.Request.Headers.Accept.ToString();
        if (QidoResult.Negotiate(accept) is not { } format)
            return TypedResults.Problem(
                $"Accept '{accept}' allows neither application/dicom+json nor multipart/related; type=\"application/dicom+xml\"",
                statusCode: StatusCodes.Status406NotAcceptable);
        SearchQuery query;
        try
        {
            query = SearchQueryParser.Parse(level, study, series, Parameters(context.Request.Query), options);
        }
        catch (SearchQueryException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid search");
        }
        var baseUrl = urls.BaseUrl(context.Request);
        var result = await search.SearchAsync(query, baseUrl, context.RequestAborted);
        return new QidoResult(result, format, baseUrl);
    }

    private static IEnumerable<KeyValuePair<string, string?>> Parameters(IQueryCollection query)
    {
        foreach (var (name, values) in query)
            foreach (var value in values)
                yield return new(name, value);
    }
}
