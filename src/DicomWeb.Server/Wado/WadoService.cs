using System.IO.Compression;
using DicomWeb.Dicom;
using DicomWeb.Multipart;
using DicomWeb.Server.Http;
using DicomWeb.Storage.Retrieval;
using Microsoft.Net.Http.Headers;

namespace DicomWeb.Server.Wado;

/// <summary>
/// WADO-RS (PS3.18 §10.4): instances, metadata, frames and bulk data of what is stored, negotiated per §8.7 and streamed
/// from the blob store. Each method checks the request, finds the instances in the index and returns a result that
/// streams the response; nothing whole is buffered.
/// </summary>
public sealed class WadoService
{
    private const string OctetStream = "application/octet-stream";
    private const string Zip = "application/zip";
    private readonly InstanceCatalog _catalog;
    private readonly Storage.Blobs.IBlobStore _blobs;
    private readonly InstanceContent _content;
    private readonly ServiceUrls _urls;

    /// <summary>Creates the service.</summary>
    public WadoService(InstanceCatalog catalog, Storage.Blobs.IBlobStore blobs, ServiceUrls urls)
    {
        _catalog = catalog;
        _blobs = blobs;
        _content = new InstanceContent(blobs);
        _urls = urls;
    }

    private enum InstanceForm
    {
        Multipart,
        SinglePart,
        Zip,
    }

    /// <summary>Retrieve a study, series or instance as Part 10 (multipart/related or single part) or as a ZIP.</summary>
    public async Task<IResult> RetrieveInstancesAsync(HttpContext context, string study, string? series, string? sop)
    {
        if (CheckUids(study, series, sop) is { } invalid) return invalid;
        var accepted = AcceptList.From(context.Request);
        var candidates = accepted.Select(a => (Accept: a, Form: InstanceFormOf(a, sop != null))).Where(c => c.Form != null).ToList();
        if (candidates.Count == 0)
            return NotAcceptable(context, "instances are sent as multipart/related; type=\"application/dicom\", as application/zip, " +
                                          "or for one instance as application/dicom");
        var (found, blob) = sop != null
            ? await FindInstanceAsync(context, study, series!, sop)
            : (await _catalog.FindAsync(study, series, sop, context.RequestAborted), null);
        if (!found.Found) return NotFound(found);

        string? firstReason = null;
        foreach (var (accept, form) in candidates)
        {
            var deliveries = new Delivery[found.Instances.Count];
            string? reason = null;
            for (var i = 0; i < deliveries.Length && reason == null; i++)
            {
                if (TransferSyntaxChoice.ForInstance(found.Instances[i], accept.TransferSyntax, out var why) is { } delivery) deliveries[i] = delivery;
                else reason = why;
            }
            if (reason != null)
            {
                firstReason ??= reason;
                continue;
            }
            var reencoded = deliveries.Any(d => d == Delivery.ExplicitLittleEndian);
            var representation = form switch
            {
                InstanceForm.SinglePart => reencoded ? "ele" : "",
                InstanceForm.Zip => reencoded ? "zip-ele" : "zip",
                _ => reencoded ? "dcm-ele" : "dcm",
            };
            var validators = Validators.For(found.Instances, representation, sop != null);
            if (validators.IsNotModified(context.Request)) return validators.NotModified();
            return form switch
            {
                InstanceForm.SinglePart => SinglePart10(found.Instances[0], deliveries[0], validators, blob!),
                InstanceForm.Zip => ZipOf(found.Instances, deliveries, validators, sop ?? series ?? study),
                _ when !reencoded => StoredMultipart(found.Instances, validators, blob),
                _ => MultipartPart10(found.Instances, deliveries, validators),
            };
        }
        return NotAcceptable(context, firstReason!);
    }

    /// <summary>
    /// WADO-URI (PS3.18 §9): one instance as a single-part application/dicom body, in <paramref name="transferSyntax"/> when
    /// given and possible, else in the default (Explicit VR Little Endian, or as stored where §8.7.3 allows).
    /// </summary>
    public async Task<IResult> RetrieveSingleInstanceAsync(HttpContext context, string study, string series, string sop, string? transferSyntax)
    {
        if (CheckUids(study, series, sop) is { } invalid) return invalid;
        var (found, blob) = await FindInstanceAsync(context, study, series, sop);
        if (!found.Found) return NotFound(found);
        var instance = found.Instances[0];
        var delivery = TransferSyntaxChoice.ForInstance(instance, transferSyntax, out var reason);
        if (delivery == null) return TypedResults.Problem(reason, statusCode: StatusCodes.Status406NotAcceptable);
        var validators = Validators.For(found.Instances, delivery == Delivery.AsStored ? "" : "ele", singleResource: true);
        if (validators.IsNotModified(context.Request)) return validators.NotModified();
        return SinglePart10(instance, delivery.Value, validators, blob!);
    }

    /// <summary>Retrieve the metadata of a study, series or instance as DICOM JSON or as multipart/related XML.</summary>
    public async Task<IResult> RetrieveMetadataAsync(HttpContext context, string study, string? series, string? sop)
    {
        if (CheckUids(study, series, sop) is { } invalid) return invalid;
        string? mediaType = null;
        var singleXml = false;
        foreach (var accept in AcceptList.From(context.Request))
        {
            if (accept.PartType is DicomMediaTypes.DicomJson or "application/json" or "*/*" or "application/*" && !(accept.IsMultipart && accept.Type == null))
                mediaType = DicomMediaTypes.DicomJson;
            else if (accept.IsMultipart && accept.PartType == DicomMediaTypes.DicomXml)
                mediaType = DicomMediaTypes.DicomXml;
            else if (accept.MediaType == DicomMediaTypes.DicomXml && sop != null)
                (mediaType, singleXml) = (DicomMediaTypes.DicomXml, true);
            if (mediaType != null) break;
        }
        if (mediaType == null)
            return NotAcceptable(context, "metadata is sent as application/dicom+json or multipart/related; type=\"application/dicom+xml\"" +
                                          (sop != null ? " (or application/dicom+xml for one instance)" : ""));
        var found = sop != null
            ? (await FindInstanceAsync(context, study, series!, sop)).Found
            : await _catalog.FindAsync(study, series, sop, context.RequestAborted);
        if (!found.Found) return NotFound(found);

        var gzip = AcceptsGzip(context.Request);
        var representation = (mediaType == DicomMediaTypes.DicomJson ? "json" : singleXml ? "xml" : "xml-mp") + (gzip ? "-gz" : "");
        var validators = Validators.For(found.Instances, representation, sop != null);
        if (validators.IsNotModified(context.Request))
        {
            context.Response.Headers.Vary = "Accept, Accept-Encoding";
            return validators.NotModified();
        }
        var rewriter = new BulkDataUriRewriter(_urls.BaseUrl(context.Request));
        return new StreamedResult(async http =>
        {
            var response = http.Response;
            validators.Apply(response);
            response.Headers.Vary = "Accept, Accept-Encoding";
            if (gzip) response.Headers.ContentEncoding = "gzip";
            var token = http.RequestAborted;
            await using var compressed = gzip ? new GZipStream(response.Body, CompressionLevel.Fastest, leaveOpen: true) : null;
            var body = compressed ?? response.Body;
            if (mediaType == DicomMediaTypes.DicomJson)
            {
                response.ContentType = DicomMediaTypes.DicomJson;
                // Not disposed: that would close the body (or the gzip stream) under it.
                var buffered = new BufferedStream(body, 64 * 1024);
                await WriteJsonArrayAsync(found.Instances, rewriter, buffered, token);
                await buffered.FlushAsync(token);
            }
            else if (singleXml)
            {
                response.ContentType = DicomMediaTypes.DicomXml;
                await DicomXmlWriter.WriteAsync(body, await ReadMetadataAsync(found.Instances[0], rewriter, token), null, token);
            }
            else
            {
                await using var writer = new MultipartRelatedWriter(body, validators.Boundary);
                response.ContentType = writer.ContentType(DicomMediaTypes.DicomXml);
                foreach (var instance in found.Instances)
                {
                    var dataset = await ReadMetadataAsync(instance, rewriter, token);
                    var xml = new MemoryStream();
                    await DicomXmlWriter.WriteAsync(xml, dataset, null, token);
                    await writer.WritePartAsync(DicomMediaTypes.DicomXml, xml.GetBuffer().AsMemory(0, (int)xml.Length), null, token);
                }
                await writer.CompleteAsync(token);
            }
        });
    }

    /// <summary>Retrieve frames of an instance.</summary>
    public async Task<IResult> RetrieveFramesAsync(HttpContext context, string study, string series, string sop, string frameList)
    {
        if (CheckUids(study, series, sop) is { } invalid) return invalid;
        if (!FrameList.TryParse(frameList, out var numbers, out var why))
            return TypedResults.Problem(why, statusCode: StatusCodes.Status400BadRequest);
        var (found, blob) = await FindInstanceAsync(context, study, series, sop);
        if (!found.Found) return NotFound(found);
        var instance = found.Instances[0];
        var reader = await FrameReader.OpenAsync(instance, _content, context.RequestAborted, blob);
        if (reader == null)
            return TypedResults.Problem($"instance {sop} has no frames (no pixel data)", statusCode: StatusCodes.Status404NotFound);
        if (numbers.FirstOrDefault(n => n > reader.Frames.Count) is var missing and > 0)
        {
            await reader.DisposeAsync();
            return TypedResults.Problem($"frame {missing} does not exist: instance {sop} has {reader.Frames.Count} frame(s)", statusCode: StatusCodes.Status404NotFound);
        }
        return await FramesResultAsync(context, instance, reader, numbers, $"frames-{string.Join('.', numbers.Take(64))}");
    }

    /// <summary>Retrieve a value that metadata hands out as a BulkDataURI, with single-range support.</summary>
    public async Task<IResult> RetrieveBulkDataAsync(HttpContext context, string study, string series, string sop, string path)
    {
        if (CheckUids(study, series, sop) is { } invalid) return invalid;
        if (!BulkDataPath.TryParse(path, out var bulkPath, out var why))
            return TypedResults.Problem(why, statusCode: StatusCodes.Status400BadRequest);
        var (found, header) = await FindInstanceAsync(context, study, series, sop);
        if (!found.Found) return NotFound(found);
        var instance = found.Instances[0];
        var token = context.RequestAborted;

        LocatedBulkData? located;
        try
        {
            located = BulkDataLocator.Locate(header!, bulkPath);
        }
        catch (DicomParseException e)
        {
            return TypedResults.Problem($"the stored instance cannot be read for bulk data: {e.Message}", statusCode: StatusCodes.Status500InternalServerError);
        }
        if (located == null)
            return TypedResults.Problem($"instance {sop} has no bulk data at '{path}'", statusCode: StatusCodes.Status404NotFound);

        if (located is BulkDataFragments fragments)
        {
            // Encapsulated pixel data: PS3.18 §8.7.3.3.2 sends compressed bulk data frame by frame, without fragment delimiters.
            if (bulkPath.IsTopLevelPixelData && await FrameReader.OpenAsync(instance, _content, token) is { } reader)
                return await FramesResultAsync(context, instance, reader, Enumerable.Range(1, reader.Frames.Count).ToArray(), "bulk-frames");
            var ranges = fragments.Sequence.Fragments.Select(f => new DicomByteRange(f.StreamOffset, f.Length)).ToList();
            return await OctetStreamResultAsync(context, instance, ranges, 0, null);
        }
        if (located is BulkDataInMemory memory) return await OctetStreamResultAsync(context, instance, [], 0, memory.Bytes);
        var inFile = (BulkDataInFile)located;
        return await OctetStreamResultAsync(context, instance, [new DicomByteRange(inFile.Offset, inFile.ValueLength)], inFile.SwapUnit, null);
    }

    private async Task<IResult> OctetStreamResultAsync(HttpContext context, StoredInstance instance, IReadOnlyList<DicomByteRange> ranges, int swapUnit, ReadOnlyMemory<byte>? inMemory)
    {
        var multipart = false;
        var acceptable = false;
        foreach (var accept in AcceptList.From(context.Request))
        {
            if (accept.TransferSyntax is not (null or TransferSyntaxChoice.AsStoredWildcard) && accept.TransferSyntax != DicomTransferSyntax.ExplicitVRLittleEndian.Uid) continue;
            if (accept.PartType is OctetStream or "*/*")
            {
                // Without a multipart/related Accept, the value goes out as a single part so that Range works.
                multipart = accept.IsMultipart || accept.MediaType == "multipart/*";
                acceptable = true;
                break;
            }
        }
        if (!acceptable) return NotAcceptable(context, "bulk data is sent as application/octet-stream (single part or multipart/related)");
        var length = inMemory?.Length ?? ranges.Sum(r => r.Length);
        var validators = Validators.For([instance], multipart ? "bulk-mp" : "bulk", singleResource: true);
        if (validators.IsNotModified(context.Request)) return validators.NotModified();

        var range = new ByteRange(0, length);
        var outcome = multipart || !validators.RangeAllowed(context.Request)
            ? ByteRange.Outcome.Whole
            : ByteRange.Parse(context.Request.Headers.Range, length, out range);
        if (outcome == ByteRange.Outcome.Unsatisfiable)
        {
            context.Response.Headers.ContentRange = $"bytes */{length}";
            return TypedResults.Problem($"the range '{context.Request.Headers.Range}' is outside the {length} bytes of the value",
                statusCode: StatusCodes.Status416RangeNotSatisfiable);
        }
        await Task.CompletedTask;
        return new StreamedResult(async http =>
        {
            var response = http.Response;
            var token = http.RequestAborted;
            validators.Apply(response);
            response.Headers.Vary = "Accept";
            Stream blob = inMemory is { } bytes ? new MemoryStream(bytes.ToArray(), writable: false) : await _content.OpenBlobAsync(instance, token);
            await using (blob)
            {
                IReadOnlyList<DicomByteRange> source = inMemory is { } m ? [new DicomByteRange(0, m.Length)] : ranges;
                if (multipart)
                {
                    await using var writer = new MultipartRelatedWriter(response.BodyWriter, validators.Boundary);
                    response.ContentType = writer.ContentType(OctetStream);
                    await writer.WritePartAsync(OctetStream + "; transfer-syntax=" + DicomTransferSyntax.ExplicitVRLittleEndian.Uid,
                        new BlobRangeStream(blob, source, swapUnit), null, token);
                    await writer.CompleteAsync(token);
                    return;
                }
                response.Headers.AcceptRanges = "bytes";
                response.ContentType = OctetStream;
                if (outcome == ByteRange.Outcome.Partial)
                {
                    response.StatusCode = StatusCodes.Status206PartialContent;
                    response.Headers.ContentRange = $"bytes {range.Start}-{range.Start + range.Length - 1}/{length}";
                }
                response.ContentLength = range.Length;
                await InstanceContent.CopyAsync(new BlobRangeStream(blob, source, swapUnit, range.Start, range.Length), response.BodyWriter, token);
            }
        });
    }

    private async Task<IResult> FramesResultAsync(HttpContext context, StoredInstance instance, FrameReader reader, int[] numbers, string representation)
    {
        string? partType = null;
        var multipart = true;
        string? firstReason = null;
        foreach (var accept in AcceptList.From(context.Request))
        {
            var singlePart = accept.AllowsSinglePart && !accept.IsWildcard;
            if (singlePart && numbers.Length != 1) continue;
            if (!accept.IsMultipart && !singlePart && !accept.IsWildcard) continue;
            partType = TransferSyntaxChoice.ForFrames(instance, accept.PartType, accept.TransferSyntax, out var why);
            if (partType != null)
            {
                multipart = !singlePart;
                break;
            }
            firstReason ??= why;
        }
        if (partType == null)
        {
            await reader.DisposeAsync();
            return NotAcceptable(context, firstReason ?? "frames are sent as multipart/related parts (or a single part for one frame) of their stored media type");
        }
        var validators = Validators.For([instance], representation + (multipart ? "" : "-single") + "-" + partType.Split(';')[0].Replace('/', '.'), singleResource: true);
        if (validators.IsNotModified(context.Request))
        {
            await reader.DisposeAsync();
            return validators.NotModified();
        }
        var location = _urls.Instance(context.Request, instance.StudyInstanceUid, instance.SeriesInstanceUid, instance.SopInstanceUid) + "/frames/";
        return new StreamedResult(async http =>
        {
            await using var frames = reader;
            var response = http.Response;
            var token = http.RequestAborted;
            validators.Apply(response);
            response.Headers.Vary = "Accept";
            if (!multipart)
            {
                response.ContentType = partType;
                response.ContentLength = frames.OutputLength(numbers[0] - 1);
                await frames.ReadAsync(numbers[0] - 1, part => InstanceContent.CopyAsync(part, response.BodyWriter, token), token);
                return;
            }
            await using var writer = new MultipartRelatedWriter(response.BodyWriter, validators.Boundary);
            response.ContentType = writer.ContentType(partType.Split(';')[0]);
            foreach (var number in numbers)
            {
                KeyValuePair<string, string>[] headers = [new("Content-Location", location + number)];
                await frames.ReadAsync(number - 1, part => writer.WritePartAsync(partType, part, headers, token).AsTask(), token);
            }
            await writer.CompleteAsync(token);
        });
    }

    private StreamedResult MultipartPart10(IReadOnlyList<StoredInstance> instances, Delivery[] deliveries, Validators validators) =>
        new(async http =>
        {
            var response = http.Response;
            var token = http.RequestAborted;
            validators.Apply(response);
            response.Headers.Vary = "Accept";
            await using var writer = new MultipartRelatedWriter(response.BodyWriter, validators.Boundary);
            response.ContentType = writer.ContentType(DicomMediaTypes.Dicom);
            for (var i = 0; i < instances.Count; i++)
            {
                var instance = instances[i];
                var type = $"{DicomMediaTypes.Dicom}; transfer-syntax={InstanceContent.OutputTransferSyntax(instance, deliveries[i])}";
                KeyValuePair<string, string>[] headers =
                    [new("Content-Location", _urls.Instance(http.Request, instance.StudyInstanceUid, instance.SeriesInstanceUid, instance.SopInstanceUid))];
                await _content.ReadAsync(instance, deliveries[i], part => writer.WritePartAsync(type, part, headers, token).AsTask(), token);
            }
            await writer.CompleteAsync(token);
        });

    private StreamedResult SinglePart10(StoredInstance instance, Delivery delivery, Validators validators, Stream blob) =>
        new(async http =>
        {
            var response = http.Response;
            validators.Apply(response);
            response.Headers.Vary = "Accept";
            response.ContentType = $"{DicomMediaTypes.Dicom}; transfer-syntax={InstanceContent.OutputTransferSyntax(instance, delivery)}";
            if (delivery == Delivery.AsStored) await StoredInstancesBody.Single(instance).WriteAsync(response, blob, OpenBlobAsync, http.RequestAborted);
            else await _content.WriteAsync(instance, delivery, response.BodyWriter, http.RequestAborted);
        });

    /// <summary>Instances as stored in a multipart/related body of known length; <paramref name="first"/> is the first one's blob when already open.</summary>
    private StreamedResult StoredMultipart(IReadOnlyList<StoredInstance> instances, Validators validators, Stream? first) =>
        new(async http =>
        {
            var response = http.Response;
            var token = http.RequestAborted;
            validators.Apply(response);
            response.Headers.Vary = "Accept";
            response.ContentType = MultipartContentType(DicomMediaTypes.Dicom, validators.Boundary);
            var body = StoredInstancesBody.Multipart(instances, validators.Boundary, _urls.BaseUrl(http.Request));
            if (first != null) await body.WriteAsync(response, first, OpenBlobAsync, token);
            else
            {
                await using var opened = await OpenBlobAsync(instances[0], token);
                await body.WriteAsync(response, opened, OpenBlobAsync, token);
            }
        });

    private Task<Stream> OpenBlobAsync(StoredInstance instance, CancellationToken token) => _content.OpenBlobAsync(instance, token);

    /// <summary>
    /// One instance and its opened blob (disposed with the response). A row from the catalog's cache is only used when its
    /// blob opens: a blob that is gone means the instance was deleted or replaced since, and the index is asked again.
    /// </summary>
    private async Task<(RetrievalResult Found, Stream? Blob)> FindInstanceAsync(HttpContext context, string study, string series, string sop)
    {
        var token = context.RequestAborted;
        if (_catalog.TryGetCached(study, series, sop, out var cached))
        {
            if (await _blobs.OpenReadAsync(cached.BlobKey, token) is { } cachedBlob)
            {
                context.Response.RegisterForDisposeAsync(cachedBlob);
                return (new RetrievalResult([cached], null, null), cachedBlob);
            }
            _catalog.Forget(sop);
        }
        var found = await _catalog.FindAsync(study, series, sop, token);
        if (!found.Found) return (found, null);
        var blob = await _content.OpenBlobAsync(found.Instances[0], token);
        context.Response.RegisterForDisposeAsync(blob);
        return (found, blob);
    }

    private static string MultipartContentType(string type, string boundary) =>
        $"multipart/related; type=\"{type}\"; boundary={boundary}";

    private StreamedResult ZipOf(IReadOnlyList<StoredInstance> instances, Delivery[] deliveries, Validators validators, string name) =>
        new(async http =>
        {
            var response = http.Response;
            var token = http.RequestAborted;
            validators.Apply(response);
            response.Headers.Vary = "Accept";
            response.ContentType = Zip;
            response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = name + ".zip" }.ToString();
            var sink = new SyncWriteBuffer(response.Body);
            await using (var zip = await ZipArchive.CreateAsync(sink, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, token))
            {
                for (var i = 0; i < instances.Count; i++)
                {
                    var instance = instances[i];
                    var entry = zip.CreateEntry($"{instance.StudyInstanceUid}/{instance.SeriesInstanceUid}/{instance.SopInstanceUid}.dcm", CompressionLevel.NoCompression);
                    entry.LastWriteTime = instance.StoredAt;
                    await using var content = await entry.OpenAsync(token);
                    await _content.WriteAsync(instance, deliveries[i], content, token);
                }
            }
            await sink.FlushAsync(token);
        });

    private async Task WriteJsonArrayAsync(IReadOnlyList<StoredInstance> instances, BulkDataUriRewriter rewriter, Stream output, CancellationToken token)
    {
        await output.WriteAsync("["u8.ToArray(), token);
        for (var i = 0; i < instances.Count; i++)
        {
            if (i > 0) await output.WriteAsync(","u8.ToArray(), token);
            await using var metadata = await _content.OpenMetadataAsync(instances[i], token);
            await rewriter.CopyAsync(metadata, output, token);
        }
        await output.WriteAsync("]"u8.ToArray(), token);
    }

    private async Task<DicomDataset> ReadMetadataAsync(StoredInstance instance, BulkDataUriRewriter rewriter, CancellationToken token)
    {
        var json = new MemoryStream();
        await using (var metadata = await _content.OpenMetadataAsync(instance, token)) await rewriter.CopyAsync(metadata, json, token);
        return DicomJsonReader.Read(json.GetBuffer().AsSpan(0, (int)json.Length));
    }

    private static InstanceForm? InstanceFormOf(AcceptedType accept, bool oneInstance)
    {
        if (accept.MediaType == Zip) return InstanceForm.Zip;
        if (accept.IsMultipart) return accept.PartType is DicomMediaTypes.Dicom or "*/*" ? InstanceForm.Multipart : null;
        if (accept.MediaType is "*/*" or "multipart/*") return InstanceForm.Multipart;
        if (accept.MediaType is DicomMediaTypes.Dicom or "application/*") return oneInstance ? InstanceForm.SinglePart : null;
        return null;
    }

    private static bool AcceptsGzip(HttpRequest request)
    {
        if (!StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptEncoding, out var encodings)) return false;
        return encodings.Any(e => (e.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || e.Value == "*") && (e.Quality ?? 1) > 0);
    }

    private static IResult? CheckUids(string study, string? series, string? sop)
    {
        foreach (var (name, uid) in new[] { ("Study Instance UID", study), ("Series Instance UID", series), ("SOP Instance UID", sop) })
            if (uid != null && !DicomUid.IsValid(uid))
                return TypedResults.Problem($"'{uid}' in the URL is not a valid {name}", statusCode: StatusCodes.Status400BadRequest);
        return null;
    }

    private static IResult NotFound(RetrievalResult result) =>
        TypedResults.Problem(result.Reason, statusCode: StatusCodes.Status404NotFound, title: $"{result.Missing} not found");

    private static IResult NotAcceptable(HttpContext context, string reason)
    {
        var accept = context.Request.Headers.Accept.ToString();
        return TypedResults.Problem(string.IsNullOrEmpty(accept) ? reason : $"Accept '{accept}': {reason}", statusCode: StatusCodes.Status406NotAcceptable);
    }
}

/// <summary>A result whose body a delegate streams to the response.</summary>
internal sealed class StreamedResult(Func<HttpContext, Task> write) : IResult
{
    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext) => write(httpContext);
}
