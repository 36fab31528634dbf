using DicomWeb.Storage.Deletion;

namespace DicomWeb.Server;

/// <summary>
/// Delete routes (not part of PS3.18; the same paths dcm4chee and Microsoft's DICOM server offer): a study, a series
/// or one instance, with everything stored below it.
/// </summary>
public static class DeleteEndpoints
{
    /// <summary>Maps the delete routes under <paramref name="prefix"/>.</summary>
    public static IEndpointRouteBuilder MapDelete(this IEndpointRouteBuilder routes, string prefix)
    {
        var group = routes.MapGroup(prefix).WithTags("Delete");
        group.MapDelete("/studies/{study}", (HttpContext context, string study, InstanceDeletion deletion) =>
                DeleteAsync(context, deletion, study, null, null))
            .WithName(RouteName(prefix, "DeleteStudy"))
            .WithSummary("Delete a study and all its series and instances (204, or 404 when unknown)");
        group.MapDelete("/studies/{study}/series/{series}", (HttpContext context, string study, string series, InstanceDeletion deletion) =>
                DeleteAsync(context, deletion, study, series, null))
            .WithName(RouteName(prefix, "DeleteSeries"))
            .WithSummary("Delete a series and its instances; a study left without series goes too");
        group.MapDelete("/studies/{study}/series/{series}/instances/{sop}",
                (HttpContext context, string study, string series, string sop, InstanceDeletion deletion) =>
                    DeleteAsync(context, deletion, study, series, sop))
            .WithName(RouteName(prefix, "DeleteInstance"))
            .WithSummary("Delete one instance; a series or study left empty goes too");
        return routes;
    }

    private static string RouteName(string prefix, string name) => prefix.Trim('/').Replace('-', '_') + "_" + name;

    private static async Task<IResult> DeleteAsync(HttpContext context, InstanceDeletion deletion, string study, string? series, string? sop)
    {
        var outcome = await deletion.DeleteAsync(study, series, sop, context.RequestAborted);
        return outcome.Status switch
        {
            DeletionStatus.Deleted => TypedResults.NoContent(),
            DeletionStatus.InvalidUid => TypedResults.Problem(outcome.Reason, statusCode: StatusCodes.Status400BadRequest),
            _ => TypedResults.Problem(outcome.Reason, statusCode: StatusCodes.Status404NotFound),
        };
    }
}
