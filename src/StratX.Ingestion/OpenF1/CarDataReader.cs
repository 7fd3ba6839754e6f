using System.Globalization;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Ingestion.Parsing;
using StratX.Ingestion.Replay;
using StratX.Ingestion.Validation;

namespace StratX.Ingestion.OpenF1;

/// <summary>
/// Streams one car's OpenF1 car data (car_data/driver_NN.csv.gz: date, session_key, meeting_key,
/// driver_number, speed, rpm, n_gear, throttle, brake, drs). Samples are numbered per car in file order; a bad
/// row is rejected and does not take a number. Feed artefacts seen on stationary cars (throttle and brake 104,
/// n_gear above 8) are kept as reported; <see cref="TelemetrySample"/> knows them.
/// </summary>
internal static class CarDataReader
{
    private const int Columns = 10;

    /// <summary>Streams a recording's car data file (<paramref name="name"/>, e.g. car_data/driver_01.csv.gz), opened when reading starts.</summary>
    public static IEnumerable<SourceItem> Read(SourceFiles files, string name, CarId car, IRejectionSink rejections, CancellationToken cancellationToken) =>
        Read(() => CsvFiles.Open(files.OpenText(name), name), name, car, rejections, cancellationToken);

    /// <summary>Streams car data from CSV text (the decompressed file); the text is disposed when reading ends.</summary>
    public static IEnumerable<SourceItem> Read(TextReader csv, string displayName, CarId car, IRejectionSink rejections, CancellationToken cancellationToken) =>
        Read(() => CsvFiles.Open(csv, displayName), displayName, car, rejections, cancellationToken);

    // The file is opened when reading starts, not when the sequence is made.
    private static IEnumerable<SourceItem> Read(Func<Sylvan.Data.Csv.CsvDataReader> open, string displayName, CarId car, IRejectionSink rejections, CancellationToken cancellationToken)
    {
        using var reader = open();
        int date = CsvFiles.Column(reader, "date", displayName), driver = CsvFiles.Column(reader, "driver_number", displayName),
            speed = CsvFiles.Column(reader, "speed", displayName), rpm = CsvFiles.Column(reader, "rpm", displayName),
            gear = CsvFiles.Column(reader, "n_gear", displayName), throttle = CsvFiles.Column(reader, "throttle", displayName),
            brake = CsvFiles.Column(reader, "brake", displayName), drs = CsvFiles.Column(reader, "drs", displayName);
        var carNumber = int.Parse(car.Value, CultureInfo.InvariantCulture);
        long sequence = 0, line = 1, previousLine = 0, previousTicks = long.MinValue;
        while (CsvFiles.Read(reader, displayName, line, rejections))
        {
            line++;
            if ((line & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            string? problem = null;
            TelemetrySample sample = default;
            if (reader.RowFieldCount != Columns)
            {
                problem = $"expected {Columns} columns, found {reader.RowFieldCount}";
            }
            else if (!FieldParser.TryInstant(reader.GetFieldSpan(date), out var at))
            {
                problem = $"date '{reader.GetString(date)}' is not a timestamp";
            }
            else if (!TryInt(reader, driver, 0, 99, out var number) || number != carNumber)
            {
                problem = $"driver_number '{reader.GetString(driver)}' does not match car {car} of this file";
            }
            else if (!TryInt(reader, speed, 0, 450, out var kmh)) { problem = Range(reader, speed, "speed", "0-450 km/h"); }
            else if (!TryInt(reader, rpm, 0, 20_000, out var revs)) { problem = Range(reader, rpm, "rpm", "0-20000"); }
            else if (!TryInt(reader, gear, 0, byte.MaxValue, out var g)) { problem = Range(reader, gear, "n_gear", "0-255"); }
            else if (!TryInt(reader, throttle, 0, 104, out var t)) { problem = Range(reader, throttle, "throttle", "0-100 %"); }
            else if (!TryInt(reader, brake, 0, 104, out var b)) { problem = Range(reader, brake, "brake", "0-100"); }
            else if (!TryInt(reader, drs, 0, 14, out var d)) { problem = Range(reader, drs, "drs", "0-14"); }
            else if (at.UtcTicks < previousTicks)
            {
                problem = $"date {at:HH:mm:ss.fff} is earlier than the row before it (line {previousLine})";
            }
            else
            {
                sample = new TelemetrySample(at.UtcTicks, (short)kmh, revs, (byte)g, (byte)t, (byte)b, (byte)d);
            }

            if (problem is not null)
            {
                rejections.Reject(new InputRejection(displayName, line, problem));
                continue;
            }

            previousTicks = sample.UtcTicks;
            previousLine = line;
            yield return SourceItem.ForSample(car, sample, ++sequence);
        }
    }

    private static bool TryInt(Sylvan.Data.Csv.CsvDataReader reader, int column, int min, int max, out int value) =>
        int.TryParse(reader.GetFieldSpan(column), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static string Range(Sylvan.Data.Csv.CsvDataReader reader, int column, string name, string range) =>
        $"{name} '{reader.GetString(column)}' is not a whole number in {range}";
}
