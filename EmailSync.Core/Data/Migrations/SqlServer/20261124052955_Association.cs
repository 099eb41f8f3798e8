using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EmailSync.Core.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Association : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "BodyReferenceEnabled",
                table: "Organizations",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "ExcludedAddresses",
                table: "Organizations",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "ExcludedDomains",
                table: "Organizations",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "GenericDomains",
                table: "Organizations",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<long>(
                name: "MatchingVersion",
                table: "Organizations",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "BodyReferenceEnabled",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "ExcludedAddresses",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "ExcludedDomains",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "GenericDomains",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "MatchingVersion",
                table: "Organizations");
        }
    }
}
